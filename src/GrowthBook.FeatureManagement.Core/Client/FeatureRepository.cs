using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Loads and keeps current one client's payload (ENGINE-NOTES §3): bootstrap, feature cache, <c>GET /api/features</c>
/// with ETag, stale-while-revalidate, polling and SSE streaming with capped exponential backoff. Readers get the
/// current <see cref="PayloadState"/> without locking; every update replaces it whole.
/// </summary>
internal sealed class FeatureRepository : IAsyncDisposable
{
    /// <summary>The proxy pings every 30 s; a stream silent for this long is treated as dead.</summary>
    internal TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    private readonly GrowthBookClientOptions _options;
    private readonly HttpClient _http;
    private readonly IFeatureCache _cache;

    // Whether reads may start a refresh (stale-while-revalidate with an API to ask); fixed at construction, so a read
    // of an offline or polling client costs one field test.
    private readonly bool _revalidatesOnRead;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _cacheKey;
    private readonly string? _decryptionKey;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationToken _stopping; // _lifetime's token, taken once: still readable after _lifetime is disposed
    private readonly object _gate = new();
    private readonly List<Task> _loops = [];
    private Task<bool>? _inflight;
    private FileSystemWatcher? _watcher;
    private byte[]? _bootstrapHash; // of the bootstrap file content last applied
    private volatile PayloadState _state = PayloadState.Initial;
    private long _retryNotBeforeTimestamp = long.MinValue;
    private int _refreshFailures;
    private bool _streaming;
    private int _disposed;

    public FeatureRepository(GrowthBookClientOptions options, HttpClient http, IFeatureCache cache, TimeProvider time, ILogger logger)
    {
        _options = options;
        _http = http;
        _cache = cache;
        _time = time;
        _logger = logger;
        _decryptionKey = options.EffectiveDecryptionKey;
        _revalidatesOnRead = options.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate && Online;
        _stopping = _lifetime.Token;
        _cacheKey = "growthbook:features:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.EffectiveApiHost + "||" + options.ClientKey)))[..32];
    }

    /// <summary>Raised once per effective payload change, after the new state is visible.</summary>
    public event Action<PayloadState, PayloadState>? Changed;

    /// <summary>Raised when the stream says a remote-eval connection's features changed (<c>features-updated</c>).</summary>
    public event Action? RemoteEvalInvalidated;

    public PayloadState State => _state;

    /// <summary>Whether the served payload is younger than the cache TTL.</summary>
    public bool IsFresh => _time.GetTimestamp() < _state.StaleAtTimestamp;

    /// <summary>The last error of a fetch, decryption or stream, for health reporting.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Number of stream (re)connections made.</summary>
    public int StreamConnections { get; private set; }

    private bool Online => !string.IsNullOrWhiteSpace(_options.ClientKey);

    private string FeaturesUrl => $"{_options.EffectiveApiHost}/api/features/{_options.ClientKey}";

    private string StreamUrl => $"{_options.EffectiveStreamingHost}/sub/{_options.ClientKey}";

    /// <summary>Called on every read: a stale payload is served as it is and refreshed in the background.</summary>
    public void OnRead()
    {
        if (_revalidatesOnRead && !_streaming && Volatile.Read(ref _inflight) is null
            && _time.GetTimestamp() >= _state.StaleAtTimestamp && _disposed == 0)
        {
            _ = RefreshAsync(CancellationToken.None);
        }
    }

    public bool LoadBootstrap()
    {
        string? json = _options.BootstrapPayload;
        try
        {
            if (_options.BootstrapFile is { } file)
            {
                var bytes = File.ReadAllBytes(file);
                using (var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
                {
                    json = reader.ReadToEnd(); // as File.ReadAllText reads it
                }

                _bootstrapHash = SHA256.HashData(bytes); // later file events with this same content are not changes
                WatchBootstrapFile(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            ClientLog.BootstrapFailed(_logger, $"{e.GetType().Name}: {e.Message}");
            LastError = e;
        }

        return json is not null && Apply(Encoding.UTF8.GetBytes(json), PayloadSource.Bootstrap, etag: null, _time.GetUtcNow(), long.MinValue);
    }

    public async Task<bool> LoadFromCacheAsync(CancellationToken cancellationToken)
    {
        if (!Online)
        {
            return false;
        }

        try
        {
            var entry = await _cache.GetAsync(_cacheKey, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return false;
            }

            var remaining = entry.FetchedAt + _options.CacheTtl - _time.GetUtcNow();
            var staleAt = remaining > TimeSpan.Zero ? _time.GetTimestamp() + (long)(remaining.TotalSeconds * _time.TimestampFrequency) : long.MinValue;
            return Apply(Encoding.UTF8.GetBytes(entry.PayloadJson), PayloadSource.Cache, entry.ETag, entry.FetchedAt, staleAt);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ClientLog.CacheFailed(_logger, Describe(e));
            return false;
        }
    }

    /// <summary>Fetches the payload; concurrent calls share one request. True when the API answered with a usable payload (or 304).</summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!Online || _disposed != 0)
        {
            return Task.FromResult(false);
        }

        lock (_gate)
        {
            if (_inflight is { } running)
            {
                return running.WaitAsync(cancellationToken);
            }

            if (_time.GetTimestamp() < _retryNotBeforeTimestamp)
            {
                return Task.FromResult(false); // the server asked us to wait (429 Retry-After) or we are backing off
            }

            var task = FetchAsync(_stopping);
            _inflight = task;
            _ = task.ContinueWith(
                t =>
                {
                    lock (_gate)
                    {
                        _inflight = null;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return task.WaitAsync(cancellationToken);
        }
    }

    private async Task<bool> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, FeaturesUrl);
            if (_state.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var sseSupported = response.Headers.TryGetValues("x-sse-support", out var sse) && sse.Any(v => string.Equals(v, "enabled", StringComparison.OrdinalIgnoreCase));

            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                var state = _state;
                _state = state with { FetchedAt = _time.GetUtcNow(), StaleAtTimestamp = StaleAt() };
                ClientLog.PayloadUnchanged(_logger, "304 Not Modified");
                await StoreAsync(_state, null, cancellationToken).ConfigureAwait(false);
                Succeeded(sseSupported);
                return true;
            }

            if (!response.IsSuccessStatusCode)
            {
                if ((int)response.StatusCode == 429 || response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    var retryAfter = response.Headers.RetryAfter?.Delta
                        ?? (response.Headers.RetryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
                    if (retryAfter is { } wait && wait > TimeSpan.Zero)
                    {
                        Interlocked.Exchange(ref _retryNotBeforeTimestamp, _time.GetTimestamp() + (long)(Math.Min(wait.TotalSeconds, 3600) * _time.TimestampFrequency));
                    }
                }

                return Failed(new HttpRequestException($"the API answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode));
            }

            var body = await ReadBoundedAsync(response.Content, _options.MaxPayloadBytes, timeout.Token).ConfigureAwait(false);
            if (!Apply(body, PayloadSource.Network, response.Headers.ETag?.ToString(), _time.GetUtcNow(), StaleAt()))
            {
                return Failed(LastError, logged: true); // Apply logged why (once)
            }

            await StoreAsync(_state, body, cancellationToken).ConfigureAwait(false);
            Succeeded(sseSupported);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(new TimeoutException($"the API did not answer within {_options.RequestTimeout}"));
        }
        catch (OperationCanceledException)
        {
            return false; // disposed
        }
        catch (Exception e)
        {
            return Failed(e); // anything else the network stack throws: logged, previous payload kept
        }
    }

    private void Succeeded(bool sseSupported)
    {
        Telemetry.GrowthBookInstruments.RecordRefresh(PayloadSource.Network);
        Interlocked.Exchange(ref _refreshFailures, 0);
        LastError = null; // healthy again: health reporting must not keep showing a past failure
        if (sseSupported && _options.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate)
        {
            StartStreaming(); // the API supports streaming: switch from revalidating on reads to holding a stream
        }
    }

    private bool Failed(Exception? error, bool logged = false)
    {
        LastError = error;
        Telemetry.GrowthBookInstruments.RecordFetchError(error);
        var failures = Interlocked.Increment(ref _refreshFailures);
        if (error is not null && !logged)
        {
            ClientLog.FetchFailed(_logger, Describe(error), _state.Source);
        }

        if (_options.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate)
        {
            // Reads must not hammer a failing API: back off before the next background attempt.
            var delay = Backoff.Delay(TimeSpan.FromSeconds(1), failures, TimeSpan.FromMinutes(1));
            var notBefore = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            if (notBefore > Interlocked.Read(ref _retryNotBeforeTimestamp))
            {
                Interlocked.Exchange(ref _retryNotBeforeTimestamp, notBefore);
            }
        }

        return false;
    }

    /// <summary>Reads a response body of at most <paramref name="limit"/> bytes; a larger one is refused without being read whole.</summary>
    internal static async Task<byte[]> ReadBoundedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > limit)
        {
            throw new InvalidDataException($"the payload is {length} bytes, over the {limit}-byte limit (MaxPayloadBytes)");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"the payload is over the {limit}-byte limit (MaxPayloadBytes)");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Parses and swaps in a payload. False (previous payload kept, one error logged) when it cannot be used.</summary>
    private bool Apply(byte[] json, PayloadSource source, string? etag, DateTimeOffset fetchedAt, long staleAt)
    {
        GrowthBookPayload payload;
        try
        {
            payload = GrowthBookPayload.Parse(json, new GrowthBookPayloadOptions { DecryptionKey = _decryptionKey, Logger = _logger });
        }
        catch (GrowthBookDecryptionException e)
        {
            LastError = e;
            ClientLog.DecryptionFailed(_logger, e.Reason, _state.Source);
            return false;
        }
        catch (JsonException e)
        {
            LastError = new InvalidDataException("the payload is not valid JSON: " + e.Message, e);
            ClientLog.FetchFailed(_logger, LastError.Message, _state.Source);
            return false;
        }

        lock (_gate)
        {
            var previous = _state;
            // A payload whose dateUpdated did not change only extends freshness (bootstrap always applies).
            if (previous.Source != PayloadSource.None && source != PayloadSource.Bootstrap && payload.DateUpdated is not null
                && payload.DateUpdated == previous.Payload.DateUpdated)
            {
                _state = previous with { ETag = etag ?? previous.ETag, FetchedAt = fetchedAt, StaleAtTimestamp = Math.Max(staleAt, previous.StaleAtTimestamp) };
                ClientLog.PayloadUnchanged(_logger, "same dateUpdated");
                return true;
            }

            // A cached payload older than what we already serve is not a change.
            if (source == PayloadSource.Cache && previous.Source is PayloadSource.Network or PayloadSource.Stream)
            {
                return true;
            }

            _state = new PayloadState(payload, source, etag, fetchedAt, staleAt);
            ClientLog.PayloadLoaded(_logger, source, payload.DateUpdated, payload.FeatureKeys.Count);
            Changed?.Invoke(previous, _state);
            return true;
        }
    }

    private long StaleAt() => _time.GetTimestamp() + (long)(_options.CacheTtl.TotalSeconds * _time.TimestampFrequency);

    private async Task StoreAsync(PayloadState state, byte[]? body, CancellationToken cancellationToken)
    {
        try
        {
            string json;
            if (body is not null)
            {
                json = Encoding.UTF8.GetString(body);
            }
            else if (await _cache.GetAsync(_cacheKey, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                json = existing.PayloadJson; // 304: refresh the entry's time, keep its body
            }
            else
            {
                return;
            }

            await _cache.SetAsync(_cacheKey, new CachedFeatures(json, state.ETag, state.FetchedAt), _options.LastKnownGoodRetention + _options.CacheTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ClientLog.CacheFailed(_logger, Describe(e));
        }
    }

    /// <summary>Starts the refresh strategy's background work (polling or streaming).</summary>
    public void StartBackground()
    {
        if (!Online)
        {
            return;
        }

        switch (_options.RefreshStrategy)
        {
            case RefreshStrategy.ServerSentEvents:
                StartStreaming();
                break;
            case RefreshStrategy.Polling:
                lock (_gate)
                {
                    _loops.Add(Task.Run(() => PollLoopAsync(_stopping)));
                }

                break;
        }
    }

    private void StartStreaming()
    {
        lock (_gate)
        {
            if (_streaming || _disposed != 0)
            {
                return;
            }

            _streaming = true;
            _loops.Add(Task.Run(() => StreamLoopAsync(_stopping)));
        }
    }

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = failures == 0 ? _options.PollingInterval : Backoff.Delay(_options.PollingInterval, failures);
            var retryAt = Interlocked.Read(ref _retryNotBeforeTimestamp);
            var now = _time.GetTimestamp();
            if (retryAt > now)
            {
                delay = TimeSpan.FromSeconds(Math.Max(delay.TotalSeconds, (double)(retryAt - now) / _time.TimestampFrequency));
            }

            if (!await DelayAsync(delay, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            failures = await RefreshAsync(cancellationToken).ConfigureAwait(false) ? 0 : failures + 1;
        }
    }

    private async Task StreamLoopAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        var retry = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            string problem;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, StreamUrl);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"the stream answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
                }

                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                attempt = 0;
                StreamConnections++;
                ClientLog.StreamConnected(_logger);
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(StreamIdleTimeout);
                var parser = SseParser.Create(stream);
                await foreach (var item in parser.EnumerateAsync(idle.Token).ConfigureAwait(false))
                {
                    idle.CancelAfter(StreamIdleTimeout);

                    // A live stream (pings included) means the payload is current: keep it fresh.
                    if (_state.StaleAtTimestamp < StaleAt() - (long)(_time.TimestampFrequency / 2))
                    {
                        lock (_gate)
                        {
                            _state = _state with { StaleAtTimestamp = StaleAt() };
                        }
                    }

                    if (parser.ReconnectionInterval > TimeSpan.Zero)
                    {
                        retry = parser.ReconnectionInterval; // the server's `retry:`
                    }

                    if (item.EventType == "features" && !string.IsNullOrWhiteSpace(item.Data))
                    {
                        if (Apply(Encoding.UTF8.GetBytes(item.Data), PayloadSource.Stream, _state.ETag, _time.GetUtcNow(), StaleAt()))
                        {
                            LastError = null;
                            Telemetry.GrowthBookInstruments.RecordRefresh(PayloadSource.Stream);
                            await StoreAsync(_state, Encoding.UTF8.GetBytes(item.Data), cancellationToken).ConfigureAwait(false);
                        }
                    }
                    else if (item.EventType == "features-updated")
                    {
                        if (_options.RemoteEval)
                        {
                            RemoteEvalInvalidated?.Invoke(); // answers evaluated on the old rules are dropped and re-POSTed
                        }
                        else
                        {
                            await RefreshAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                problem = "the server closed the stream";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                problem = $"no event for {StreamIdleTimeout}";
            }
            catch (Exception e)
            {
                problem = Describe(e);
                LastError = e;
            }

            attempt++;
            Telemetry.GrowthBookInstruments.RecordStreamReconnect();
            var delay = Backoff.Delay(retry, attempt);
            ClientLog.StreamLost(_logger, problem, delay, attempt);
            _ = RefreshAsync(cancellationToken); // poll while the stream is down
            if (!await DelayAsync(delay, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void WatchBootstrapFile(string file)
    {
        if (_watcher is not null)
        {
            return;
        }

        var full = Path.GetFullPath(file);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler reload = (_, _) => _ = ReloadBootstrapAsync(full);
        watcher.Changed += reload;
        watcher.Created += reload;
        watcher.Renamed += (_, _) => _ = ReloadBootstrapAsync(full);
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private async Task ReloadBootstrapAsync(string file)
    {
        // Editors write in several steps: wait a moment, then read; a half-written file fails to parse and is retried on the next event.
        if (!await DelayAsync(TimeSpan.FromMilliseconds(100), _stopping).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var bytes = await File.ReadAllBytesAsync(file, _stopping).ConfigureAwait(false);
            var hash = SHA256.HashData(bytes);
            lock (_gate)
            {
                // One write raises several file events: content already applied is not a change.
                if (_disposed == 0 && _state.Source is (PayloadSource.None or PayloadSource.Bootstrap)
                    && (_bootstrapHash is null || !hash.AsSpan().SequenceEqual(_bootstrapHash))
                    && Apply(bytes, PayloadSource.Bootstrap, etag: null, _time.GetUtcNow(), long.MinValue))
                {
                    _bootstrapHash = hash;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ClientLog.BootstrapFailed(_logger, Describe(e));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>An error's description with the client key removed (URLs in messages would carry it).</summary>
    private string Describe(Exception e)
    {
        var message = $"{e.GetType().Name}: {e.Message}";
        if (!string.IsNullOrEmpty(_options.ClientKey))
        {
            message = message.Replace(_options.ClientKey, "***", StringComparison.Ordinal);
        }

        return message;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _watcher?.Dispose();
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (Volatile.Read(ref _inflight) is { } inflight)
        {
            await ((Task)inflight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _lifetime.Dispose();
    }
}
