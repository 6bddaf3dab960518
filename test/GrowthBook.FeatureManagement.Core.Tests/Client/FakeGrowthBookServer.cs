using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>What the features endpoint does instead of (or before) answering normally.</summary>
internal abstract record FeaturesFault
{
    /// <summary>Answers with this status code (and a GrowthBook-style error body), optionally with Retry-After.</summary>
    public sealed record Status(int Code, string? RetryAfter = null) : FeaturesFault;

    /// <summary>Waits this long (or until the client gives up), then answers normally.</summary>
    public sealed record Delay(TimeSpan Duration) : FeaturesFault;

    /// <summary>200 with a body that is not JSON.</summary>
    public sealed record InvalidJson : FeaturesFault;

    /// <summary>200 with a Content-Length larger than the body, then the connection is aborted.</summary>
    public sealed record Truncated : FeaturesFault;

    /// <summary>200 with a body of this many bytes: with a Content-Length, or chunked (no length announced).</summary>
    public sealed record Oversized(long Bytes, bool Chunked) : FeaturesFault;

    /// <summary>The connection is aborted before any response.</summary>
    public sealed record Abort : FeaturesFault;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a free port) that speaks the GrowthBook API (docs/engine.md, "Network API"):
/// <c>GET /api/features/{clientKey}</c> with ETag / If-None-Match and <c>x-sse-support</c>,
/// <c>GET /sub/{clientKey}</c> server-sent events, and <c>POST /api/eval/{clientKey}</c> remote evaluation.
/// Faults are programmable; every endpoint counts its requests.
/// </summary>
internal sealed class FakeGrowthBookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly ConcurrentQueue<FeaturesFault> _faults = new();
    private readonly ConcurrentDictionary<int, Channel<SseMessage>> _subscribers = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, int Status)> _featureResponses = new();
    private readonly ConcurrentQueue<string> _evalBodies = new();
    private readonly ConcurrentQueue<string?> _lastEventIds = new();
    private readonly ConcurrentQueue<string> _arrivals = new();
    private string _payload;
    private string _etag;
    private int _nextSubscriber;
    private int _nextEventId;
    private int _featureRequests;
    private int _notModified;
    private int _subConnections;
    private int _evalRequests;
    private int _inFlight;
    private long _oversizedBytesWritten;
    private int _disposed;

    private FakeGrowthBookServer(WebApplication app, string clientKey, string payload)
    {
        _app = app;
        ClientKey = clientKey;
        _payload = payload;
        _etag = ETagOf(payload);
    }

    /// <summary>The client key the server answers for; any other key gets 400.</summary>
    public string ClientKey { get; }

    /// <summary>The server's base address, <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The port bound.</summary>
    public int Port { get; private set; }

    /// <summary>Whether feature responses carry <c>x-sse-support: enabled</c>.</summary>
    public bool SseSupport { get; set; }

    /// <summary>The <c>retry:</c> value (ms) sent when a stream opens.</summary>
    public int SseRetryMilliseconds { get; set; } = 100;

    /// <summary>Whether a newly opened stream gets the current payload as a <c>features</c> event at once.</summary>
    public bool SendPayloadOnConnect { get; set; }

    /// <summary>Applied to every features request when no queued fault is left (null: answer normally).</summary>
    public FeaturesFault? PersistentFault { get; set; }

    /// <summary>Applied to every remote-evaluation request (null: answer normally). <see cref="FeaturesFault.Delay"/> is not supported here: use <see cref="EvalDelay"/>.</summary>
    public FeaturesFault? EvalFault { get; set; }

    /// <summary>How long <c>/api/eval/</c> takes to answer.</summary>
    public TimeSpan EvalDelay { get; set; }

    /// <summary>The payload JSON served now.</summary>
    public string Payload
    {
        get
        {
            lock (_gate)
            {
                return _payload;
            }
        }
    }

    /// <summary>The ETag of the payload served now.</summary>
    public string ETag
    {
        get
        {
            lock (_gate)
            {
                return _etag;
            }
        }
    }

    /// <summary>Requests to <c>/api/features</c> (any outcome).</summary>
    public int FeatureRequests => Volatile.Read(ref _featureRequests);

    /// <summary>304 answers given.</summary>
    public int NotModifiedResponses => Volatile.Read(ref _notModified);

    /// <summary>Streams opened on <c>/sub/</c>.</summary>
    public int SubConnections => Volatile.Read(ref _subConnections);

    /// <summary>Streams currently open.</summary>
    public int ActiveSubscribers => _subscribers.Count;

    /// <summary>Requests to <c>/api/eval/</c>.</summary>
    public int EvalRequests => Volatile.Read(ref _evalRequests);

    /// <summary>Feature requests being handled right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Bytes of oversized bodies the server managed to write before the client hung up.</summary>
    public long OversizedBytesWritten => Interlocked.Read(ref _oversizedBytesWritten);

    /// <summary>Every request to any endpoint.</summary>
    public int TotalRequests => FeatureRequests + SubConnections + EvalRequests;

    /// <summary>When each features request was answered, and with which status (0: aborted).</summary>
    public IReadOnlyList<(DateTimeOffset At, int Status)> FeatureResponses => [.. _featureResponses];

    /// <summary>The If-None-Match header of the last features request, or null.</summary>
    public string? LastIfNoneMatch { get; private set; }

    /// <summary>Every request in arrival order: "features" or "sub".</summary>
    public IReadOnlyList<string> Arrivals => [.. _arrivals];

    /// <summary>The <c>Last-Event-ID</c> header of each stream request, in order (null: none sent).</summary>
    public IReadOnlyList<string?> LastEventIds => [.. _lastEventIds];

    /// <summary>The bodies of the remote-evaluation requests, in order.</summary>
    public IReadOnlyList<string> EvalBodies => [.. _evalBodies];

    /// <summary>Starts a server on 127.0.0.1 (port 0 picks a free one).</summary>
    public static async Task<FakeGrowthBookServer> StartAsync(string clientKey, string payload, int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeGrowthBookServer(app, clientKey, payload);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        server.Port = uri.Port;
        server.BaseUrl = $"http://127.0.0.1:{uri.Port}";
        return server;
    }

    /// <summary>A port nothing listens on (taken from the OS, then released): the API is down there.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Replaces the payload served by <c>/api/features</c> (and its ETag); connected streams are not told.</summary>
    public void SetPayload(string payload)
    {
        lock (_gate)
        {
            _payload = payload;
            _etag = ETagOf(payload);
        }
    }

    /// <summary>Replaces the payload and sends it to every connected stream as a <c>features</c> event.</summary>
    public void PushPayload(string payload)
    {
        SetPayload(payload);
        Broadcast(new SseMessage(FeaturesEvent(payload), AbortAfter: false));
    }

    /// <summary>Sends <c>features-updated</c> (empty data) to every connected stream.</summary>
    public void PushFeaturesUpdated() => Broadcast(new SseMessage($"id: {Interlocked.Increment(ref _nextEventId)}\nevent: features-updated\ndata: \n\n", AbortAfter: false));

    /// <summary>
    /// Sets the payload, then starts sending it to every connected stream as a <c>features</c> event but drops the
    /// connection half-way through the event's data.
    /// </summary>
    public void DropStreamsMidEvent(string payload)
    {
        SetPayload(payload);
        var text = FeaturesEvent(payload);
        Broadcast(new SseMessage(text[..(text.IndexOf("data: ", StringComparison.Ordinal) + 6 + (payload.Length / 2))], AbortAfter: true));
    }

    /// <summary>Sends a comment line (<c>: ping</c>), the keep-alive many SSE servers and proxies use, to every connected stream.</summary>
    public void SendComment() => Broadcast(new SseMessage(": ping\n\n", AbortAfter: false));

    /// <summary>Sends an empty <c>data:</c> event, GrowthBook's proxy's keep-alive, to every connected stream.</summary>
    public void SendPing() => Broadcast(new SseMessage("data: \n\n", AbortAfter: false));

    /// <summary>Ends every open stream cleanly (as a restarting proxy does).</summary>
    public void EndStreams() => Broadcast(new SseMessage("", AbortAfter: false, EndAfter: true));

    /// <summary>Queues faults for the next features requests, one per request.</summary>
    public void EnqueueFaults(params FeaturesFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    private void Broadcast(SseMessage message)
    {
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryWrite(message);
        }
    }

    private string FeaturesEvent(string payload)
        => $"id: {Interlocked.Increment(ref _nextEventId)}\nevent: features\ndata: {payload}\n\n";

    private static string ETagOf(string payload)
        => "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(payload)))[..16].ToLowerInvariant() + "\"";

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        try
        {
            if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith("/api/features/", StringComparison.Ordinal))
            {
                await HandleFeaturesAsync(context, path["/api/features/".Length..]).ConfigureAwait(false);
            }
            else if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith("/sub/", StringComparison.Ordinal))
            {
                await HandleStreamAsync(context, path["/sub/".Length..]).ConfigureAwait(false);
            }
            else if (HttpMethods.IsPost(context.Request.Method) && path.StartsWith("/api/eval/", StringComparison.Ordinal))
            {
                await HandleEvalAsync(context, path["/api/eval/".Length..]).ConfigureAwait(false);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away (or the server is stopping).
        }
    }

    private bool WrongKey(HttpContext context, string key)
    {
        if (key == ClientKey)
        {
            return false;
        }

        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json";
        return true;
    }

    private async Task HandleFeaturesAsync(HttpContext context, string key)
    {
        _arrivals.Enqueue("features");
        Interlocked.Increment(ref _featureRequests);
        Interlocked.Increment(ref _inFlight);
        var status = 0;
        try
        {
            LastIfNoneMatch = context.Request.Headers.IfNoneMatch.Count > 0 ? context.Request.Headers.IfNoneMatch.ToString() : null;
            if (WrongKey(context, key))
            {
                status = 400;
                await context.Response.WriteAsync("""{"status":400,"error":"Invalid API key"}""").ConfigureAwait(false);
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            var token = linked.Token;
            var fault = _faults.TryDequeue(out var queued) ? queued : PersistentFault;
            if (fault is FeaturesFault.Delay delay)
            {
                await Task.Delay(delay.Duration, token).ConfigureAwait(false);
                fault = null;
            }

            string payload;
            string etag;
            lock (_gate)
            {
                payload = _payload;
                etag = _etag;
            }

            var response = context.Response;
            if (SseSupport)
            {
                response.Headers["x-sse-support"] = "enabled";
                response.Headers["Access-Control-Expose-Headers"] = "x-sse-support";
            }

            if (fault is not null)
            {
                status = await WriteFaultAsync(context, fault, payload, token).ConfigureAwait(false);
                return;
            }

            response.Headers.ETag = etag;
            response.Headers.CacheControl = "public, max-age=30, stale-while-revalidate=3600, stale-if-error=36000";
            if (context.Request.Headers.IfNoneMatch.ToString().Contains(etag, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _notModified);
                status = 304;
                response.StatusCode = 304;
                return;
            }

            status = 200;
            response.ContentType = "application/json";
            await response.WriteAsync(payload, token).ConfigureAwait(false);
        }
        finally
        {
            _featureResponses.Enqueue((DateTimeOffset.UtcNow, status));
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // Answers with the fault; returns the status sent (0: connection aborted).
    private async Task<int> WriteFaultAsync(HttpContext context, FeaturesFault fault, string payload, CancellationToken token)
    {
        var response = context.Response;
        switch (fault)
        {
            case FeaturesFault.Status s:
                response.StatusCode = s.Code;
                if (s.RetryAfter is not null)
                {
                    response.Headers.RetryAfter = s.RetryAfter;
                }

                response.ContentType = "application/json";
                await response.WriteAsync($$"""{"status":{{s.Code}},"error":"simulated failure"}""", token).ConfigureAwait(false);
                return s.Code;
            case FeaturesFault.InvalidJson:
                response.ContentType = "application/json";
                await response.WriteAsync("""{"status":200,"features":{"flag":{"defaultValue":tru""" + "e,,}} <html>", token).ConfigureAwait(false);
                return 200;
            case FeaturesFault.Truncated:
                var bytes = Encoding.UTF8.GetBytes(payload);
                response.ContentType = "application/json";
                response.ContentLength = bytes.Length;
                await response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
                await Task.Delay(50, token).ConfigureAwait(false);
                context.Abort();
                return 0;
            case FeaturesFault.Oversized o:
                await WriteOversizedAsync(response, o, token).ConfigureAwait(false);
                return 200;
            default:
                context.Abort();
                return 0;
        }
    }

    private async Task WriteOversizedAsync(HttpResponse response, FeaturesFault.Oversized fault, CancellationToken token)
    {
        response.ContentType = "application/json";
        var head = Encoding.UTF8.GetBytes("""{"status":200,"dateUpdated":"2099-01-01T00:00:00Z","features":{"big":{"defaultValue":""");
        var tail = Encoding.UTF8.GetBytes("\"}}}");
        if (!fault.Chunked)
        {
            response.ContentLength = fault.Bytes;
        }

        await response.Body.WriteAsync(head, token).ConfigureAwait(false);
        var written = (long)head.Length;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        while (written < fault.Bytes - tail.Length)
        {
            // Kestrel completes writes to a closed connection silently: the flush result says the peer is gone.
            var size = (int)Math.Min(chunk.Length, fault.Bytes - tail.Length - written);
            var flushed = await response.BodyWriter.WriteAsync(chunk.AsMemory(0, size), token).ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled || response.HttpContext.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            written += size;
            Interlocked.Exchange(ref _oversizedBytesWritten, written);
        }

        await response.Body.WriteAsync(tail, token).ConfigureAwait(false);
        Interlocked.Exchange(ref _oversizedBytesWritten, written + tail.Length);
    }

    private async Task HandleStreamAsync(HttpContext context, string key)
    {
        _arrivals.Enqueue("sub");
        _lastEventIds.Enqueue(context.Request.Headers.TryGetValue("Last-Event-ID", out var lastEventId) ? lastEventId.ToString() : null);
        Interlocked.Increment(ref _subConnections);
        if (WrongKey(context, key))
        {
            return;
        }

        var id = Interlocked.Increment(ref _nextSubscriber);
        var channel = Channel.CreateUnbounded<SseMessage>();
        _subscribers[id] = channel;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            var token = linked.Token;
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // As the proxy: the stream opens with `retry:`; a ping (`data: ` and a blank line) follows.
            await WriteAsync(response, $"retry: {SseRetryMilliseconds}\n\ndata: \n\n", token).ConfigureAwait(false);
            if (SendPayloadOnConnect)
            {
                await WriteAsync(response, FeaturesEvent(Payload), token).ConfigureAwait(false);
            }

            await foreach (var message in channel.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await WriteAsync(response, message.Text, token).ConfigureAwait(false);
                if (message.AbortAfter)
                {
                    await Task.Delay(50, token).ConfigureAwait(false);
                    context.Abort();
                    return;
                }

                if (message.EndAfter)
                {
                    return;
                }
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken token)
    {
        await response.WriteAsync(text, token).ConfigureAwait(false);
        await response.Body.FlushAsync(token).ConfigureAwait(false);
    }

    // Remote evaluation as the proxy does it: each feature becomes {defaultValue: its value for this user}.
    private async Task HandleEvalAsync(HttpContext context, string key)
    {
        Interlocked.Increment(ref _evalRequests);
        if (WrongKey(context, key))
        {
            return;
        }

        if (EvalDelay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(EvalDelay, linked.Token).ConfigureAwait(false);
        }

        if (EvalFault is { } fault)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await WriteFaultAsync(context, fault, Payload, linked.Token).ConfigureAwait(false);
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        _evalBodies.Enqueue(body);
        using var request = JsonDocument.Parse(body);
        var root = request.RootElement;
        var forced = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("forcedVariations", out var fv) && fv.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in fv.EnumerateObject())
            {
                forced[p.Name] = p.Value.GetInt32();
            }
        }

        var user = new UserContext
        {
            Attributes = root.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? GrowthBookAttributes.FromJson(a) : GrowthBookAttributes.Empty,
            Url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null,
            ForcedVariations = forced,
        };

        var payload = GrowthBookPayload.Parse(Payload);
        using var scope = new GrowthBookScope(payload, user);
        var features = new JsonObject();
        foreach (var feature in payload.FeatureKeys.Order(StringComparer.Ordinal))
        {
            features[feature] = new JsonObject { ["defaultValue"] = JsonNode.Parse(scope.EvalFeature(feature).Value.GetRawText()) };
        }

        var answer = new JsonObject { ["status"] = 200, ["features"] = features, ["dateUpdated"] = payload.DateUpdated };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops the server: open streams and delayed answers end at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryComplete();
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed record SseMessage(string Text, bool AbortAfter, bool EndAfter = false);
}
