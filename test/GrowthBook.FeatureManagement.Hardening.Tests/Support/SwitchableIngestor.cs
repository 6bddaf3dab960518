using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// A GrowthBook ingestor on Kestrel (127.0.0.1) that can be down for as long as a scenario wants: while
/// <see cref="Down"/> it answers every <c>POST /track</c> with 503 or drops the connection, alternately, or (every
/// third time) stores the batch and then drops the connection before answering. It stores each batch once per
/// <c>Idempotency-Key</c>, and remembers every event it stored to find duplicates.
/// </summary>
internal sealed class SwitchableIngestor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _batches = new();
    private readonly ConcurrentQueue<string> _events = new();
    private long _requests;

    private SwitchableIngestor(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>While true every request fails.</summary>
    public bool Down { get; set; }

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Each stored event as "experiment|hash value".</summary>
    public IReadOnlyList<string> StoredEvents => [.. _events];

    public static async Task<SwitchableIngestor> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ingestor = new SwitchableIngestor(app);
        app.Run(ingestor.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        ingestor.BaseUrl = $"http://127.0.0.1:{address.Port}";
        return ingestor;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var down = Down;
        if (down && n % 3 == 1)
        {
            context.Response.StatusCode = 503;
            return;
        }

        if (down && n % 3 == 2)
        {
            context.Abort();
            return;
        }

        if (_batches.TryAdd(context.Request.Headers["Idempotency-Key"].ToString(), 0))
        {
            foreach (var e in body.RootElement.EnumerateArray())
            {
                var properties = e.GetProperty("properties_json");
                _events.Enqueue(properties.GetProperty("experimentId").GetString() + "|" + properties.GetProperty("hashValue"));
            }
        }

        if (down)
        {
            context.Abort(); // stored, but the answer is lost: the sender retries a batch that already arrived
            return;
        }

        context.Response.StatusCode = 200;
        await context.Response.WriteAsync("""{"status":200}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
