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

namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>What the ingestor does with the next request instead of accepting it.</summary>
internal enum IngestorFault
{
    /// <summary>500, nothing stored.</summary>
    ServerError,

    /// <summary>503, nothing stored.</summary>
    Unavailable,

    /// <summary>The connection is dropped before anything is stored.</summary>
    DropBeforeStoring,

    /// <summary>The batch is stored, then the connection is dropped before the answer: the sender cannot know it arrived.</summary>
    DropAfterStoring,

    /// <summary>400, nothing stored.</summary>
    BadRequest,
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 standing in for a GrowthBook ingestor: <c>POST /track?client_key=…</c> with a
/// JSON array of events. Like GrowthBook's own ingestor it ignores <c>Idempotency-Key</c>: every batch it accepts is
/// stored, a retry of a batch already stored included (delivery is at least once, and duplicates are counted). It can
/// fail requests on a script.
/// </summary>
internal sealed class FakeIngestor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<IngestorFault> _faults = new();
    private readonly ConcurrentQueue<(string BatchId, JsonElement Event)> _stored = new();
    private readonly ConcurrentQueue<(string? BatchId, int EventCount)> _requests = new();
    private readonly ConcurrentQueue<(string? ClientKey, string? ContentType)> _headers = new();
    private readonly ConcurrentDictionary<string, int> _storedBatchCounts = new();
    private long _requestCount;

    private FakeIngestor(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>
    /// While true, requests that no scripted fault claims fail in turn: 503, dropped before storing, stored and then
    /// dropped before the answer (the sender retries a batch that already arrived).
    /// </summary>
    public bool Down { get; set; }

    /// <summary>How many requests arrived.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Events stored, in arrival order (a batch stored twice appears twice).</summary>
    public IReadOnlyList<JsonElement> Stored => [.. _stored.Select(s => s.Event)];

    /// <summary>Events stored more than once: copies from a batch that arrived again after it was stored (the sender never heard it was).</summary>
    public int DuplicateEvents => _stored.Count - _stored.GroupBy(s => s.BatchId).Sum(batch => batch.Count() / BatchStoreCount(batch.Key));

    /// <summary>How many times the batch with this Idempotency-Key was stored.</summary>
    public int BatchStoreCount(string batchId) => _storedBatchCounts.TryGetValue(batchId, out var count) ? count : 0;

    /// <summary>Every request received: its Idempotency-Key and how many events it carried.</summary>
    public IReadOnlyList<(string? BatchId, int EventCount)> Requests => [.. _requests];

    /// <summary>The client_key query parameter and Content-Type of every request.</summary>
    public IReadOnlyList<(string? ClientKey, string? ContentType)> Headers => [.. _headers];

    public static async Task<FakeIngestor> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ingestor = new FakeIngestor(app);
        app.Run(ingestor.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        ingestor.BaseUrl = $"http://127.0.0.1:{address.Port}";
        return ingestor;
    }

    public void Fail(params IngestorFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/track")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var batchId = context.Request.Headers["Idempotency-Key"].ToString();
        _headers.Enqueue((context.Request.Query["client_key"].ToString(), context.Request.ContentType));
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var events = body.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        _requests.Enqueue((batchId, events.Count));
        var n = Interlocked.Increment(ref _requestCount);
        var fault = _faults.TryDequeue(out var queued) ? queued
            : Down ? (n % 3) switch { 1 => IngestorFault.Unavailable, 2 => IngestorFault.DropBeforeStoring, _ => IngestorFault.DropAfterStoring }
            : (IngestorFault?)null;
        switch (fault)
        {
            case IngestorFault.ServerError:
                context.Response.StatusCode = 500;
                return;
            case IngestorFault.Unavailable:
                context.Response.StatusCode = 503;
                return;
            case IngestorFault.BadRequest:
                context.Response.StatusCode = 400;
                return;
            case IngestorFault.DropBeforeStoring:
                context.Abort();
                return;
        }

        _storedBatchCounts.AddOrUpdate(batchId, 1, (_, count) => count + 1);
        foreach (var item in events)
        {
            _stored.Enqueue((batchId, item));
        }

        if (fault == IngestorFault.DropAfterStoring)
        {
            context.Abort();
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
