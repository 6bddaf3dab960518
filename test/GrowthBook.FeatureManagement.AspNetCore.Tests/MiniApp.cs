using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// A minimal API app on <c>WebApplication.CreateBuilder</c> (its defaults: host filtering from <c>AllowedHosts</c>) over
/// TestServer, with GrowthBook set up by the test. <c>GET /any/path?…</c> with an <c>X-Feature</c> header answers
/// <c>on</c>/<c>off</c> from IFeatureManager; <c>GET /user</c> answers the user's id. Logs are captured.
/// </summary>
internal sealed class MiniApp : IAsyncDisposable
{
    /// <summary>Features for the request-security tests.</summary>
    public const string Payload = """
        {
          "features": {
            "qa-gated": { "defaultValue": false, "rules": [ {
              "key": "qa-exp", "variations": [ false, true ], "weights": [ 1, 0 ], "hashAttribute": "id",
              "meta": [ { "key": "0" }, { "key": "1" } ] } ] },
            "url-targeted": { "defaultValue": false, "rules": [ {
              "condition": { "url": { "$regex": "^https?://[^/]+/promo" } },
              "key": "promo-exp", "variations": [ false, true ], "weights": [ 0, 1 ], "hashAttribute": "id" } ] },
            "premium-only": { "defaultValue": false, "rules": [ { "condition": { "plan": "premium" }, "force": true } ] }
          }
        }
        """;

    private readonly WebApplication _app;

    private MiniApp(WebApplication app, ConcurrentQueue<(LogLevel Level, string Category, string Message)> logs)
    {
        _app = app;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Logs { get; }

    public static async Task<MiniApp> StartAsync(string environment, Action<IGrowthBookBuilder>? growthBook, Action<WebApplicationBuilder>? configure = null, string allowedHosts = "localhost")
    {
        var logs = new ConcurrentQueue<(LogLevel, string, string)>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection([new("AllowedHosts", allowedHosts)]);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(logs));
        var setup = builder.Services.AddFeatureManagement().AddGrowthBook(o => o.BootstrapPayload = Payload);
        growthBook?.Invoke(setup);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapGet("/user", async (IServiceProvider services, HttpContext context) =>
        {
            var users = services.GetService<IGrowthBookUserContextAccessor>();
            var user = users is null ? null : await users.GetUserContextAsync(context.RequestAborted);
            return user?.Attributes.ToJson().ToString() ?? "none";
        });
        app.MapGet("/{**path}", async (HttpContext context, IFeatureManager features)
            => await features.IsEnabledAsync(context.Request.Headers["X-Feature"].ToString()) ? "on" : "off");
        await app.StartAsync();
        return new MiniApp(app, logs);
    }

    /// <summary>GETs <paramref name="path"/> for <paramref name="feature"/> with the given cookie header; the answer and the cookies set.</summary>
    public async Task<(string Answer, string? SetCookie)> GetAsync(string path, string feature, string? cookie = null, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Feature", feature);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await Client.SendAsync(request);
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? string.Join("\n", values) : null;
        return ((int)response.StatusCode == 200 ? await response.Content.ReadAsStringAsync() : "HTTP " + (int)response.StatusCode, setCookie);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class CapturingProvider(ConcurrentQueue<(LogLevel, string, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(LogLevel, string, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => logs.Enqueue((logLevel, category, formatter(state, exception)));
        }
    }
}
