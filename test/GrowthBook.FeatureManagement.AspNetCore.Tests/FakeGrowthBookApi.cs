using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>A tiny real GrowthBook API on a loopback port (Kestrel): <c>GET /api/features/{clientKey}</c> with ETags.</summary>
internal sealed class FakeGrowthBookApi : IAsyncDisposable
{
    public const string ClientKey = "sdk-test-key";

    private readonly WebApplication _app;
    private volatile string _payload;
    private int _version = 1;
    private int _requests;

    private FakeGrowthBookApi(WebApplication app, string payload)
    {
        _app = app;
        _payload = payload;
    }

    public string Url { get; private set; } = "";

    /// <summary>The payload served; setting it makes a new version (a new ETag).</summary>
    public string Payload
    {
        get => _payload;
        set
        {
            _payload = value;
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Answer 500 to every request.</summary>
    public bool Failing { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeGrowthBookApi> StartAsync(string payload)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new FakeGrowthBookApi(app, payload);
        app.MapGet("/api/features/{key}", (string key, HttpContext context) => api.Serve(key, context));
        await app.StartAsync();
        api.Url = app.Urls.Single();
        return api;
    }

    private IResult Serve(string key, HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Failing)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        if (key != ClientKey)
        {
            return Results.NotFound();
        }

        var etag = $"\"v{Volatile.Read(ref _version)}\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        context.Response.Headers.ETag = etag;
        return Results.Content(_payload, "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
