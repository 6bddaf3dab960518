using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Decides when the payload is fetched and runs the background work of the refresh strategy: stale-while-revalidate
/// (a read of a stale payload starts one background fetch), polling, and the stream (<see cref="StreamLoop"/>), with
/// backoff after failures and the API's <c>Retry-After</c>. Concurrent fetches share one request while it is
/// unanswered; a caller that comes once the answer is in gets a request of its own, so what it fetches is never older
/// than its call. Every answer goes to
/// the <see cref="PayloadStore"/>; every usable payload to the feature cache. It also keeps the facts health is told
/// from: last contact with the API, last error. Time runs on the client's clock.
/// </summary>
internal sealed class RefreshScheduler : IStreamListener, IAsyncDisposable
{
    private static readonly Task<bool> NotFetched = Task.FromResult(false);

    private readonly GrowthBookClientOptions _options;
    private readonly PayloadStore _store;
    private readonly PayloadFetcher _fetcher;
    private readonly FeatureCacheGuard _cache;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _online;
    private readonly bool _revalidatesOnRead;
    private readonly ITimer _revalidationTimer;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationToken _stopping; // _lifetime's token, taken once: still readable after _lifetime is disposed
    private readonly object _gate = new();
    private readonly List<Task> _loops = [];
    private readonly List<Task> _fetches = [];     // every fetch under way, answered or not (guarded by _gate)
    private Task<bool>? _unanswered;              // the fetch whose answer has not arrived: a caller now shares it
    private StreamLoop? _stream;
    private long _backoffUntil = long.MinValue;   // timestamps; guarded by _gate
    private long _retryAfterUntil = long.MinValue;
    private int _failures;
    private int _revalidate;                       // 1: the next read starts a background fetch
    private long _lastContactTicks;                // UTC ticks; 0: never
    private long _lastErrorTicks;
    private volatile Exception? _lastError;
    private int _disposed;

    public RefreshScheduler(GrowthBookClientOptions options, HttpClient http, PayloadStore store, FeatureCacheGuard cache, TimeProvider time, ILogger logger)
    {
        _options = options;
        _http = http;
        _store = store;
        _cache = cache;
        _time = time;
        _logger = logger;
        _online = options.UsesApi;
        _fetcher = new PayloadFetcher(options, http, time);
        _stopping = _lifetime.Token;

        // Fixed at construction: a read of an offline, polling or remote-eval client costs one field test.
        _revalidatesOnRead = _online && !options.RemoteEval && options.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate;
        _revalidate = _revalidatesOnRead ? 1 : 0; // nothing fetched yet: the first read asks
        _revalidationTimer = time.CreateTimer(static self => ((RefreshScheduler)self!).OnStale(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised when the stream says a remote-eval connection's features changed (<c>features-updated</c>).</summary>
    public event Action? RemoteEvalInvalidated;

    /// <summary>The stream's state; <see cref="StreamState.NotUsed"/> until streaming starts.</summary>
    public StreamState StreamState => _stream?.State ?? StreamState.NotUsed;

    /// <summary>The stream (for tests), null until streaming starts.</summary>
    internal StreamLoop? Stream => _stream;

    /// <summary>When the API last answered usefully (a payload, a 304) or the stream last delivered bytes.</summary>
    public DateTimeOffset? LastContactAt => Ticks(Interlocked.Read(ref _lastContactTicks));

    /// <summary>The last failure of a fetch, the stream or a payload (cleared by the next usable payload or 304).</summary>
    public Exception? LastError => _lastError;

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt => _lastError is null ? null : Ticks(Interlocked.Read(ref _lastErrorTicks));

    /// <summary>Whether a fetch is under way.</summary>
    public bool IsRefreshing
    {
        get
        {
            lock (_gate)
            {
                return _fetches.Count > 0;
            }
        }
    }

    /// <summary>Called by every evaluation: a stale payload is served as it is and revalidated in the background. One field test when there is nothing to do.</summary>
    public void OnRead()
    {
        if (Volatile.Read(ref _revalidate) != 0 && Interlocked.Exchange(ref _revalidate, 0) == 1)
        {
            _ = RefreshCoreAsync(Trigger.Background);
        }
    }

    /// <summary>Fetches now (sharing a fetch whose answer has not arrived). Honours the API's <c>Retry-After</c>, not the failure backoff.</summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken) => RefreshCoreAsync(Trigger.Explicit).WaitAsync(cancellationToken);

    /// <summary>Starts the refresh strategy's background work (polling or streaming) and the stale-while-revalidate clock.</summary>
    public void StartBackground()
    {
        if (!_online || _disposed != 0)
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

        ArmRevalidation(FreshFor());
    }

    private enum Trigger
    {
        /// <summary>A read of a stale payload, or the stream going down: waits out backoff and Retry-After.</summary>
        Background,

        /// <summary>A caller, polling, or a <c>features-updated</c> event: waits out Retry-After only.</summary>
        Explicit,

        /// <summary>The stream (re)connected: the API is there, so backoff and Retry-After are over.</summary>
        AfterConnect,
    }

    private Task<bool> RefreshCoreAsync(Trigger trigger)
    {
        if (!_online || _disposed != 0)
        {
            return NotFetched;
        }

        TaskCompletionSource<bool> fetch;
        lock (_gate)
        {
            if (_unanswered is { } running)
            {
                return running;
            }

            var now = _time.GetTimestamp();
            if (trigger == Trigger.AfterConnect)
            {
                _backoffUntil = _retryAfterUntil = long.MinValue;
            }

            var notBefore = trigger == Trigger.Background ? Math.Max(_backoffUntil, _retryAfterUntil) : _retryAfterUntil;
            if (now < notBefore)
            {
                if (trigger == Trigger.Background)
                {
                    ArmRevalidation(_time.GetElapsedTime(now, notBefore));
                }

                return NotFetched; // the server asked us to wait (429/503 Retry-After) or we are backing off
            }

            fetch = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _unanswered = fetch.Task;
            _fetches.Add(fetch.Task);
        }

        _ = RunFetchAsync(fetch);
        return fetch.Task;
    }

    // The answer is in: from now on a caller gets a request of its own. (Before the answer is applied, so that a
    // change handler that refreshes never shares the fetch that told it of the change.)
    private void Answered(Task<bool> fetch)
    {
        lock (_gate)
        {
            if (_unanswered == fetch)
            {
                _unanswered = null;
            }
        }
    }

    private async Task RunFetchAsync(TaskCompletionSource<bool> fetch)
    {
        bool succeeded;
        try
        {
            succeeded = await FetchAndApplyAsync(fetch.Task).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            succeeded = false; // disposed
        }

        lock (_gate)
        {
            Answered(fetch.Task);
            _fetches.Remove(fetch.Task);
        }

        fetch.SetResult(succeeded);
    }

    private async Task<bool> FetchAndApplyAsync(Task<bool> self)
    {
        var sent = _store.Current;
        var etag = sent.FromApi ? sent.ETag : null;
        var answer = await _fetcher.FetchAsync(etag, _stopping).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        switch (answer)
        {
            case FetchAnswer.NotModified notModified:
                Answered(self);
                Contact(now);
                _store.Confirm(sent.Payload, etag, now);
                _cache.Touch(etag, now);
                return Succeeded(notModified.SseSupported);
            case FetchAnswer.Modified modified:
                Answered(self);
                var (outcome, error) = _store.Apply(modified.Body, PayloadSource.Network, modified.ETag, now);
                if (outcome == ApplyOutcome.Rejected)
                {
                    return Failed(error!, retryAfter: null, logged: true); // the store logged why, once
                }

                Contact(now);
                if (outcome != ApplyOutcome.Outdated)
                {
                    _cache.Write(modified.Body, modified.ETag, now);
                }

                return Succeeded(modified.SseSupported);
            default:
                var failed = (FetchAnswer.Failed)answer;
                return Failed(failed.Error, failed.RetryAfter, logged: false);
        }
    }

    private bool Succeeded(bool sseSupported)
    {
        Telemetry.GrowthBookInstruments.RecordRefresh(PayloadSource.Network);
        lock (_gate)
        {
            _failures = 0;
            _backoffUntil = long.MinValue;
        }

        ClearError();
        ArmRevalidation(_options.CacheTtl);
        if (sseSupported && _options.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate)
        {
            StartStreaming(); // the API supports streaming: switch from revalidating on reads to holding a stream
        }

        return true;
    }

    private bool Failed(Exception error, TimeSpan? retryAfter, bool logged)
    {
        SetError(error);
        Telemetry.GrowthBookInstruments.RecordFetchError(error);
        if (!logged)
        {
            ClientLog.FetchFailed(_logger, ClientLog.Describe(error, _options.ClientKey), _store.Current.Source);
        }

        // Reads must not hammer a failing API: back off before the next background attempt.
        TimeSpan wait;
        lock (_gate)
        {
            var delay = Backoff.Delay(TimeSpan.FromSeconds(1), ++_failures, TimeSpan.FromMinutes(1));
            var now = _time.GetTimestamp();
            _backoffUntil = now + Timestamp(delay);
            if (retryAfter is { } serverWait)
            {
                _retryAfterUntil = now + Timestamp(serverWait);
            }

            wait = retryAfter is { } asked && asked > delay ? asked : delay;
        }

        ArmRevalidation(wait);
        return false;
    }

    private void StartStreaming()
    {
        lock (_gate)
        {
            if (_stream is not null || _disposed != 0)
            {
                return;
            }

            _stream = new StreamLoop(_options, _http, _time, _logger, this);
            _loops.Add(Task.Run(() => _stream.RunAsync(_stopping)));
        }
    }

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = failures == 0 ? _options.PollingInterval : Backoff.Delay(_options.PollingInterval, failures);
            var now = _time.GetTimestamp();
            var retryAfterUntil = Interlocked.Read(ref _retryAfterUntil);
            if (retryAfterUntil > now && _time.GetElapsedTime(now, retryAfterUntil) is var retryAfter && retryAfter > delay)
            {
                delay = retryAfter;
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            failures = await RefreshCoreAsync(Trigger.Explicit).ConfigureAwait(false) ? 0 : failures + 1;
        }
    }

    void IStreamListener.OnConnected()
    {
        Contact(_time.GetUtcNow());
        Volatile.Write(ref _revalidate, 0);
        _revalidationTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_options.RemoteEval)
        {
            RemoteEvalInvalidated?.Invoke(); // answers made while the stream was down may be stale: asked again
        }
        else
        {
            _ = RefreshAfterAsync(Trigger.AfterConnect);
        }
    }

    void IStreamListener.OnActivity() => Contact(_time.GetUtcNow());

    void IStreamListener.OnFeatures(byte[] payload)
    {
        var (outcome, error) = _store.Apply(payload, PayloadSource.Stream, etag: null, _time.GetUtcNow());
        if (outcome == ApplyOutcome.Rejected)
        {
            SetError(error!);
            return;
        }

        ClearError();
        Telemetry.GrowthBookInstruments.RecordRefresh(PayloadSource.Stream);
        if (outcome != ApplyOutcome.Outdated)
        {
            _cache.Write(payload, etag: null, _time.GetUtcNow());
        }
    }

    void IStreamListener.OnFeaturesUpdated()
    {
        if (_options.RemoteEval)
        {
            RemoteEvalInvalidated?.Invoke(); // answers evaluated on the old rules are dropped and re-POSTed
        }
        else
        {
            _ = RefreshAfterAsync(Trigger.Explicit); // a request sent before the change may not carry it
        }
    }

    void IStreamListener.OnLost(Exception error)
    {
        SetError(error);
        if (!_options.RemoteEval)
        {
            ArmRevalidation(FreshFor());
            _ = RefreshCoreAsync(Trigger.Background); // fetch while the stream is down (within the backoff)
        }
    }

    // One conditional fetch after every (re)connection, so what changed while the stream was down is served now, and
    // after every features-updated event. A fetch still waiting for its answer may have been sent before the API came
    // back or before the change: it is waited for, then one more is made.
    private async Task RefreshAfterAsync(Trigger trigger)
    {
        if (Volatile.Read(ref _unanswered) is { } running)
        {
            await running.ConfigureAwait(false);
        }

        await RefreshCoreAsync(trigger).ConfigureAwait(false);
    }

    // Stale-while-revalidate: from `after` on, the next read starts a background fetch (never while the stream is up).
    private void ArmRevalidation(TimeSpan after)
    {
        if (!_revalidatesOnRead || _disposed != 0)
        {
            return;
        }

        Volatile.Write(ref _revalidate, 0);
        if (StreamState == StreamState.Connected)
        {
            _revalidationTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else if (after <= TimeSpan.Zero)
        {
            Volatile.Write(ref _revalidate, 1);
        }
        else
        {
            _revalidationTimer.Change(after, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnStale()
    {
        if (_disposed == 0 && StreamState != StreamState.Connected)
        {
            Volatile.Write(ref _revalidate, 1);
        }
    }

    // How long the served payload stays fresh (zero when it is stale or not from the API).
    private TimeSpan FreshFor()
    {
        var state = _store.Current;
        var left = state.FetchedAt + _options.CacheTtl - _time.GetUtcNow();
        return state.FromApi && left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void Contact(DateTimeOffset at) => Interlocked.Exchange(ref _lastContactTicks, at.UtcTicks);

    private void SetError(Exception error)
    {
        Interlocked.Exchange(ref _lastErrorTicks, _time.GetUtcNow().UtcTicks);
        _lastError = error;
    }

    private void ClearError() => _lastError = null; // healthy again: health must not keep showing a past failure

    private long Timestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static DateTimeOffset? Ticks(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _revalidationTimer.DisposeAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] fetches;
        lock (_gate)
        {
            fetches = [.. _fetches];
        }

        await Task.WhenAll(fetches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        await _cache.FlushAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }
}
