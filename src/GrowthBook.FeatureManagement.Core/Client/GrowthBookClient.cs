using System.Diagnostics;
using GrowthBook.FeatureManagement.Client;
using GrowthBook.FeatureManagement.Evaluation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The shared GrowthBook client: one per application, thread-safe. It loads the payload (bootstrap, cache, API),
/// keeps it current (stale-while-revalidate, polling or streaming), and evaluates features and experiments for any
/// number of concurrent users, each call with its own <see cref="UserContext"/>. All users share one compiled payload.
/// </summary>
public sealed partial class GrowthBookClient : IAsyncDisposable, IDisposable, ITrackingSink
{
    private readonly GrowthBookClientOptions _options;
    private readonly PayloadStore _store;
    private readonly ChangeNotifier _notifier;
    private readonly RefreshScheduler _refresh;
    private readonly BootstrapSource _bootstrap;
    private readonly IGrowthBookPayloadSource? _source;
    private readonly FeatureCacheGuard _cache;
    private readonly RemoteEvaluator? _remote;
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly BoundedSet _trackedExposures;
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyDictionary<string, int>? _globalForcedVariations;
    private readonly bool _qaMode;
    private readonly bool _enabled;
    private readonly ILogger _logger;
    private readonly ILogger _trackingLogger;
    private readonly Telemetry.TelemetryDispatcher _telemetry;
    private readonly TimeProvider _time;
    private readonly StickyBucketing.ClientStickyBuckets? _sticky;
    private readonly Security.SecureAttributeHasher? _secure;

    // Per user context: the effective user and sticky-bucket documents. Not consulted at all when the client has
    // neither a store, nor secure attributes, nor client-wide overrides.
    private readonly UserSessions _sessions = new();
    private readonly bool _derivesUsers;
    private readonly bool _derivesEffectiveUser;
    private CancellationTokenSource _changeTokenSource = new();
    private PayloadSourceConnection? _connection;
    private InitializationResult? _initializationResult;
    private int _initializeStarted;
    private int _disposed;

    /// <summary>Creates a client. Call <see cref="InitializeAsync"/> (or let the host do it) before relying on fresh features.</summary>
    /// <param name="options">The options; validated here, and read here only (later changes to them have no effect).</param>
    /// <param name="httpClient">The HttpClient to use (for example from <c>IHttpClientFactory</c>); a new one when null.</param>
    /// <param name="cache">Where fetched payloads are kept; <see cref="InMemoryFeatureCache"/> when null.</param>
    /// <param name="loggerFactory">Logging; categories start with <c>GrowthBook</c>.</param>
    /// <param name="timeProvider">Time, for caching, backoff, timeouts and breakers; the system clock when null.</param>
    /// <param name="telemetryPublishers">Where exposures (and, for publishers that want them, evaluations) are handed, off the request path.</param>
    /// <param name="stickyBucketService">Where sticky-bucket assignments are kept (docs/sticky-bucketing.md); none when null.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message says what to set.</exception>
    public GrowthBookClient(
        GrowthBookClientOptions options,
        HttpClient? httpClient = null,
        IFeatureCache? cache = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IEnumerable<ITelemetryPublisher>? telemetryPublishers = null,
        IStickyBucketService? stickyBucketService = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validation.OptionsValidation.ThrowIfInvalid(new GrowthBookClientOptionsValidator(), options, nameof(options));

        _options = options;
        _ownsHttpClient = httpClient is null;
        _http = httpClient ?? new HttpClient();
        var time = timeProvider ?? TimeProvider.System;
        _time = time;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        _trackingLogger = factory.CreateLogger("GrowthBook.Tracking");
        _telemetry = new Telemetry.TelemetryDispatcher(telemetryPublishers ?? [], options.TrackingPlugins, _trackingLogger, time);
        _logger = factory.CreateLogger("GrowthBook.Client");
        _notifier = new ChangeNotifier();
        _store = new PayloadStore(options.EffectiveDecryptionKey, _logger, OnPayloadChanged);
        _cache = new FeatureCacheGuard(cache ?? new InMemoryFeatureCache(time), options, time, _logger);
        _refresh = new RefreshScheduler(options, _http, _store, _cache, time, _logger);
        _bootstrap = new BootstrapSource(options, _store, time, _logger);
        _source = options.CustomPayloadSource;
        if (options.RemoteEval && _source is null)
        {
            _remote = new RemoteEvaluator(options, _http, time, factory.CreateLogger("GrowthBook.RemoteEval"));
            _refresh.RemoteEvalInvalidated += _remote.Invalidate;
        }

        _trackedExposures = new BoundedSet(options.TrackingDedupeCapacity);
        _secure = Security.SecureAttributeHasher.From(options);
        _sticky = stickyBucketService is null || _remote is not null
            ? null // remote evaluation buckets on the server
            : new StickyBucketing.ClientStickyBuckets(stickyBucketService, options.StickyBucketTimeout, options.StoreBreakDuration, time, factory.CreateLogger("GrowthBook.StickyBucketing"));
        _globalForcedVariations = options.ForcedVariations.Count > 0 ? new Dictionary<string, int>(options.ForcedVariations, StringComparer.Ordinal) : null;
        _qaMode = options.QaMode;
        _enabled = options.Enabled;
        _derivesEffectiveUser = _secure is not null || _globalForcedVariations is not null || _qaMode || !_enabled;
        _derivesUsers = _sticky is not null || _derivesEffectiveUser;
    }

    /// <summary>
    /// Raised once per effective payload change (never for a refresh that changed nothing) to the handlers subscribed
    /// when the change happened, in the order of the changes, on a background worker of the client's: never on the thread that fetched or evaluated, never while a
    /// lock is held. A handler that throws is logged and does not stop the other handlers; one that blocks delays only
    /// later notifications (the payloads themselves are served at once); one may call back into the client (for
    /// example <see cref="RefreshAsync"/>).
    /// </summary>
    public event EventHandler<PayloadChangedEventArgs>? PayloadChanged;

    /// <summary>The payload currently served (an empty one before initialisation). Reading it has no side effects.</summary>
    public GrowthBookPayload Payload => _store.Current.Payload;

    /// <summary>Where the current payload came from.</summary>
    public PayloadSource PayloadSource => _store.Current.Source;

    /// <summary>When the current payload was fetched or last confirmed unchanged.</summary>
    public DateTimeOffset PayloadFetchedAt => _store.Current.FetchedAt;

    /// <summary>
    /// Whether the current payload is known to be current: the stream is connected, or the API confirmed it less than
    /// <see cref="GrowthBookClientOptions.CacheTtl"/> ago.
    /// </summary>
    public bool IsPayloadFresh => _refresh.StreamState == StreamState.Connected || _store.Current.IsFresh(_time.GetUtcNow(), _options.CacheTtl);

    /// <summary>The last loading error (fetch, decryption, stream), or null once a payload was fetched or streamed since.</summary>
    public Exception? LastError => ErrorFor(_store.Current).Error;

    /// <summary>What health is judged from: the payload, the stream, the last contact with the API and the last error. Reading it starts nothing.</summary>
    public GrowthBookClientStatus Status
    {
        get
        {
            var state = _store.Current;
            var now = _time.GetUtcNow();
            var (error, errorAt) = ErrorFor(state);
            return new GrowthBookClientStatus
            {
                Source = state.Source,
                DateUpdated = state.Source == PayloadSource.None ? null : state.Payload.DateUpdated,
                FeatureCount = state.Payload.FeatureKeys.Count,
                FetchedAt = state.Source == PayloadSource.None ? null : state.FetchedAt,
                IsFresh = _refresh.StreamState == StreamState.Connected || state.IsFresh(now, _options.CacheTtl),
                IsOnline = _options.UsesApi,
                RefreshStrategy = _options.RefreshStrategy,
                BootstrapFile = _options.BootstrapFile,
                Stream = _refresh.StreamState,
                StreamRetryAt = _refresh.StreamState == StreamState.Reconnecting ? _refresh.Stream?.NextAttemptAt : null,
                LastContactAt = _refresh.LastContactAt,
                LastError = error,
                LastErrorAt = errorAt,
                IsRefreshing = _refresh.IsRefreshing,
                IsInitialized = IsInitialized,
                ObservedAt = now,
            };
        }
    }

    // The last error, unless a payload from the API was applied after it: the scheduler clears the error just after
    // applying, and a reader in between must not see the recovered client as failing.
    private (Exception? Error, DateTimeOffset? At) ErrorFor(PayloadState state)
    {
        if (_refresh.LastError is { } error)
        {
            var at = _refresh.LastErrorAt;
            return state.Source is PayloadSource.Network or PayloadSource.Stream && at < state.FetchedAt ? (null, null) : (error, at);
        }

        return (state.Source == PayloadSource.None ? _connection?.Error ?? _bootstrap.LastError : null, null);
    }

    /// <summary>Whether <see cref="InitializeAsync"/> has finished.</summary>
    public bool IsInitialized => _initialized.Task.IsCompleted;

    /// <summary>
    /// Loads the first payload: the bootstrap (if any) at once, then the feature cache and the API, together within
    /// <see cref="GrowthBookClientOptions.InitializationTimeout"/>; then starts the refresh strategy. Never throws for
    /// remote failures: the result says how it went. Calling it again returns the first call's result.
    /// </summary>
    public Task<InitializationResult> InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _initializeStarted, 1) == 1)
        {
            return WaitForInitializationAsync(cancellationToken);
        }

        return InitializeCoreAsync(cancellationToken);
    }

    private async Task<InitializationResult> InitializeCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            var started = _time.GetTimestamp();
            if (_source is null)
            {
                _bootstrap.Load(); // a custom source replaces the bootstrap as it replaces the API
            }

            InitializationResult result;
            if (_source is not null)
            {
                result = await ConnectSourceAsync(_source, cancellationToken).ConfigureAwait(false);
            }
            else if (string.IsNullOrWhiteSpace(_options.ClientKey) || _options.RemoteEval)
            {
                var source = _store.Current.Source;
                result = new InitializationResult(source == PayloadSource.None ? InitializationStatus.Failed : InitializationStatus.Bootstrap, source, LastError);
            }
            else if (await LoadFromCacheAsync(_options.InitializationTimeout, cancellationToken).ConfigureAwait(false)
                && _store.Current is { Source: PayloadSource.Cache } cached && cached.IsFresh(_time.GetUtcNow(), _options.CacheTtl))
            {
                result = new InitializationResult(InitializationStatus.Cache, PayloadSource.Cache);
            }
            else
            {
                // The cache read and the fetch share the initialisation timeout.
                var left = _options.InitializationTimeout - _time.GetElapsedTime(started);
                var fetch = _refresh.RefreshAsync(CancellationToken.None);
                var finished = left > TimeSpan.Zero
                    ? await Task.WhenAny(fetch, Task.Delay(left, _time, cancellationToken)).ConfigureAwait(false)
                    : fetch.IsCompleted ? fetch : null;
                cancellationToken.ThrowIfCancellationRequested();
                var state = _store.Current;
                if (finished == fetch && await fetch.ConfigureAwait(false))
                {
                    result = new InitializationResult(InitializationStatus.Network, state.Source);
                }
                else
                {
                    var status = state.Source switch
                    {
                        PayloadSource.Cache => InitializationStatus.Cache,
                        PayloadSource.Bootstrap => InitializationStatus.Bootstrap,
                        PayloadSource.Network or PayloadSource.Stream => InitializationStatus.Network,
                        _ => finished == fetch ? InitializationStatus.Failed : InitializationStatus.TimedOut,
                    };
                    result = new InitializationResult(status, state.Source, LastError);
                }
            }

            _refresh.StartBackground();
            _initializationResult = result;
            _initialized.TrySetResult();
            return result;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Exchange(ref _connection, null)?.Disconnect(); // a later InitializeAsync connects afresh
            Interlocked.Exchange(ref _initializeStarted, 0);
            throw;
        }
    }

    // Connects the custom payload source and waits for it within the initialisation timeout; a source still connecting
    // after that goes on in the background, and what it offers is served when it comes.
    private async Task<InitializationResult> ConnectSourceAsync(IGrowthBookPayloadSource source, CancellationToken cancellationToken)
    {
        var connection = new PayloadSourceConnection(source, _store, _time, _logger);
        Volatile.Write(ref _connection, connection);
        var connecting = connection.ConnectAsync(cancellationToken);
        var timeout = _options.InitializationTimeout;
        var connected = connecting.IsCompleted
            || (timeout > TimeSpan.Zero && await Task.WhenAny(connecting, Task.Delay(timeout, _time, cancellationToken)).ConfigureAwait(false) == connecting);
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0)
        {
            connection.Disconnect(); // disposed while connecting: DisposeAsync may have run before the connection was known
        }

        var served = _store.Current.Source;
        return served != PayloadSource.None
            ? new InitializationResult(InitializationStatus.Custom, served)
            : new InitializationResult(connected ? InitializationStatus.Failed : InitializationStatus.TimedOut, served, connection.Error);
    }

    // The last known good payload from the feature cache, read within `timeout` (a cache that fails or hangs is a miss).
    internal async Task<bool> LoadFromCacheAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || await _cache.ReadAsync(timeout, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return false;
        }

        return _store.Apply(System.Text.Encoding.UTF8.GetBytes(entry.PayloadJson), PayloadSource.Cache, entry.ETag, entry.FetchedAt).Outcome
            is ApplyOutcome.Applied or ApplyOutcome.Unchanged;
    }

    /// <summary>Waits until initialisation has finished (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task<InitializationResult> WaitForInitializationAsync(CancellationToken cancellationToken = default)
    {
        await _initialized.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _initializationResult!;
    }

    /// <summary>
    /// Fetches the payload now (concurrent calls share one request), waiting out only a <c>Retry-After</c> the API asked
    /// for. True when the API answered with a usable payload or a 304.
    /// </summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken = default) => _refresh.RefreshAsync(cancellationToken);

    /// <summary>A change token that fires on the next change notification after it was taken (for <c>ChangeToken.OnChange</c>), after that change's <see cref="PayloadChanged"/> handlers.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changeTokenSource).Token);

    /// <summary>
    /// Evaluates a feature for a user. Never waits for the sticky-bucket store: sticky only when this user context's
    /// documents are already loaded (<see cref="LoadStickyBucketsAsync"/>, or any async call); <see cref="EvalFeatureAsync(string, UserContext, CancellationToken)"/> loads them.
    /// </summary>
    public FeatureResult EvalFeature(string key, UserContext user)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRemote();
        return Evaluator.EvalFeature(Context(PayloadForEvaluation(), user), key);
    }

    /// <summary>Evaluates against a payload snapshot the caller already holds (so a check and an evaluation see the same payload).</summary>
    internal FeatureResult EvalFeature(GrowthBookPayload payload, string key, UserContext user)
    {
        ThrowIfRemote();
        _refresh.OnRead();
        return Evaluator.EvalFeature(Context(payload, user), key);
    }

    /// <summary>Whether the feature's value is truthy for the user.</summary>
    public bool IsOn(string key, UserContext user) => EvalFeature(key, user).On;

    /// <summary>Whether the feature's value is falsy (or the feature unknown) for the user.</summary>
    public bool IsOff(string key, UserContext user) => EvalFeature(key, user).Off;

    /// <summary>Runs an inline experiment for a user.</summary>
    public ExperimentResult Run(Experiment experiment, UserContext user)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRemote();
        var payload = PayloadForEvaluation();
        return Evaluator.RunExperiment(Context(payload, user), experiment.GetDefinition(payload.SavedGroups), featureId: null);
    }

    /// <summary>
    /// Evaluates a feature for a user; with remote evaluation on, fetches (or reuses) the user's evaluated payload first.
    /// With a sticky-bucket store, loads the user's documents first (once per user context, bounded by
    /// <see cref="GrowthBookClientOptions.StickyBucketTimeout"/>; a failing store means no stickiness, never an exception).
    /// </summary>
    public async ValueTask<FeatureResult> EvalFeatureAsync(string key, UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(user);
        if (_remote is not null)
        {
            var effective = Effective(user);
            var evaluated = await _remote.GetPayloadAsync(effective, cancellationToken).ConfigureAwait(false);
            return Evaluator.EvalFeature(new EvaluationContext(evaluated, effective, null, Observer(user)), key);
        }

        return await EvalFeatureAsync(PayloadForEvaluation(), key, user, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates a feature for a user against a payload snapshot the caller already holds (for example one it just
    /// checked the feature's presence in: the check and the evaluation then see the same payload), with the client's
    /// overrides, tracking and the user's sticky-bucket documents (loaded once per user context; synchronous when there
    /// is no store or they are already loaded). Starts a stale-while-revalidate
    /// refresh when due. Not for remote evaluation.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The client uses remote evaluation.</exception>
    public ValueTask<FeatureResult> EvalFeatureAsync(GrowthBookPayload payload, string key, UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(user);
        _refresh.OnRead();
        if (_sticky is null)
        {
            return new ValueTask<FeatureResult>(EvalFeature(payload, key, user));
        }

        var session = _sessions.Get(user);
        var effective = Effective(user, session);
        var sticky = _sticky.GetStateAsync(payload, effective, session, cancellationToken);
        return sticky.IsCompletedSuccessfully
            ? new ValueTask<FeatureResult>(Evaluator.EvalFeature(new EvaluationContext(payload, effective, sticky.Result, Observer(user)), key))
            : Sticky(payload, key, effective, sticky, Observer(user));

        static async ValueTask<FeatureResult> Sticky(GrowthBookPayload payload, string key, UserContext effective, ValueTask<StickyBucketing.StickyBucketState?> sticky, IEvaluationObserver? observer)
            => Evaluator.EvalFeature(new EvaluationContext(payload, effective, await sticky.ConfigureAwait(false), observer), key);
    }

    /// <summary>
    /// Loads the user's sticky-bucket documents now, so that the synchronous calls (<see cref="EvalFeature(string, UserContext)"/>,
    /// <see cref="IsOn"/>, <see cref="Run"/>, <see cref="CreateScope"/>) with this same <paramref name="user"/> instance are
    /// sticky too: they never wait for a store themselves. True when sticky bucketing is active for the user; false
    /// when no store is configured or it failed, timed out or is kept away by its open circuit (logged).
    /// </summary>
    public async ValueTask<bool> LoadStickyBucketsAsync(UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (_sticky is null)
        {
            return false;
        }

        var session = _sessions.Get(user);
        return await _sticky.GetStateAsync(PayloadForEvaluation(), Effective(user, session), session, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// A light per-request object for one user over the current payload: no fetch, a few fields to create.
    /// Its tracking goes to the client's callbacks and dedupe.
    /// </summary>
    public GrowthBookScope CreateScope(UserContext user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRemote();
        var scope = new GrowthBookScope(PayloadForEvaluation(), Effective(user), this);
        scope.UseStickyBuckets(_sticky is null ? null : StickyBucketing.ClientStickyBuckets.Loaded(_sessions.Find(user)));
        return scope;
    }

    /// <summary>
    /// Like <see cref="CreateScope"/>, but with a sticky-bucket store it first loads the user's documents (once per user
    /// context), and with remote evaluation on it first fetches (or reuses) the user's evaluated payload.
    /// </summary>
    public async ValueTask<GrowthBookScope> CreateScopeAsync(UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (_remote is null)
        {
            var scope = CreateScope(user);
            if (_sticky is not null)
            {
                var session = _sessions.Get(user);
                scope.UseStickyBuckets(await _sticky.GetStateAsync(scope.Payload, scope.User, session, cancellationToken).ConfigureAwait(false));
            }

            return scope;
        }

        var effective = Effective(user);
        return new GrowthBookScope(await _remote.GetPayloadAsync(effective, cancellationToken).ConfigureAwait(false), effective, this);
    }

    private void ThrowIfRemote()
    {
        if (_remote is not null)
        {
            throw new InvalidOperationException("This client uses remote evaluation: call EvalFeatureAsync or CreateScopeAsync, which fetch the user's evaluated features.");
        }
    }

    // The payload an evaluation reads: the current one, after starting a stale-while-revalidate refresh if one is due.
    private GrowthBookPayload PayloadForEvaluation()
    {
        _refresh.OnRead();
        return _store.Current.Payload;
    }

    // Sync calls use the user's sticky-bucket documents only if already loaded: they never wait for a store.
    private EvaluationContext Context(GrowthBookPayload payload, UserContext user)
    {
        if (!_derivesUsers)
        {
            return new EvaluationContext(payload, user, null, Observer(user));
        }

        if (!_derivesEffectiveUser)
        {
            // A store only: look the user's documents up, without creating a session for a user never loaded.
            return new EvaluationContext(payload, user, StickyBucketing.ClientStickyBuckets.Loaded(_sessions.Find(user)), Observer(user));
        }

        var session = _sessions.Get(user);
        var sticky = _sticky is null ? null : StickyBucketing.ClientStickyBuckets.Loaded(session);
        return new EvaluationContext(payload, Effective(user, session), sticky, Observer(user));
    }

    private IEvaluationObserver? Observer(UserContext user) => HasTracking ? new ClientObserver(this, user) : null;

    private bool HasTracking => _options.OnExperimentViewed is not null || _options.OnFeatureUsage is not null
        || _options.OnExperimentViewedAsync is not null || _options.OnFeatureUsageAsync is not null
        || _telemetry.HasPublishers || Telemetry.GrowthBookInstruments.IsObserving;

    /// <summary>The user as evaluation sees it: secure attributes hashed, client-wide settings merged in (the user's own values win). Computed once per user context.</summary>
    internal UserContext Effective(UserContext user) => _derivesEffectiveUser ? Effective(user, _sessions.Get(user)) : user;

    private UserContext Effective(UserContext user, UserSession session)
    {
        if (!_derivesEffectiveUser)
        {
            return user;
        }

        if (session.Effective is { } cached)
        {
            return cached;
        }

        var effective = _secure?.Apply(user) ?? user;
        if (_globalForcedVariations is not null || _qaMode || !_enabled)
        {
            var forced = effective.ForcedVariations;
            if (_globalForcedVariations is not null)
            {
                var merged = new Dictionary<string, int>(_globalForcedVariations, StringComparer.Ordinal);
                foreach (var (k, v) in effective.ForcedVariations ?? new Dictionary<string, int>())
                {
                    merged[k] = v;
                }

                forced = merged;
            }

            effective = effective.Copy(effective.Attributes, forced, effective.QaMode || _qaMode, effective.Enabled && _enabled);
        }

        session.Effective = effective; // a race computes the same value twice; either is kept
        return effective;
    }

    /// <summary>Tracks an exposure through the client's bounded dedupe: callbacks, publishers and plugins get it once.</summary>
    internal void TrackExperiment(Experiment experiment, ExperimentResult result, UserContext user)
    {
        Telemetry.GrowthBookInstruments.RecordExposure(experiment, result);
        var callback = _options.OnExperimentViewed;
        var callbackAsync = _options.OnExperimentViewedAsync;
        var publish = _telemetry.HasPublishers;
        if ((callback is null && callbackAsync is null && !publish) || !_trackedExposures.Add(ExposureKey.Of(experiment, result)))
        {
            return;
        }

        if (publish)
        {
            _telemetry.Enqueue(new ExperimentViewedEvent(experiment, result, user, _time.GetUtcNow()) { ParentContext = Activity.Current?.Context ?? default });
        }

        if (callbackAsync is not null)
        {
            _telemetry.Enqueue(new Telemetry.BackgroundWork(nameof(GrowthBookClientOptions.OnExperimentViewedAsync), ct => callbackAsync(experiment, result, user, ct)));
        }

        try
        {
            callback?.Invoke(experiment, result, user);
        }
        catch (Exception e)
        {
            // Tracking must never break evaluation.
            Tracking.TrackingLog.CallbackFailed(_trackingLogger, nameof(GrowthBookClientOptions.OnExperimentViewed), e);
        }
    }

    internal void TrackFeatureUsage(string key, FeatureResult result, UserContext user)
    {
        Telemetry.GrowthBookInstruments.RecordEvaluation(key, result);
        if (_telemetry.WantsEvaluations)
        {
            _telemetry.Enqueue(new FeatureEvaluatedEvent(key, result, user, _time.GetUtcNow()) { ParentContext = Activity.Current?.Context ?? default });
        }

        if (_options.OnFeatureUsageAsync is { } callbackAsync)
        {
            _telemetry.Enqueue(new Telemetry.BackgroundWork(nameof(GrowthBookClientOptions.OnFeatureUsageAsync), ct => callbackAsync(key, result, user, ct)));
        }

        try
        {
            _options.OnFeatureUsage?.Invoke(key, result, user);
        }
        catch (Exception e)
        {
            // Tracking must never break evaluation.
            Tracking.TrackingLog.CallbackFailed(_trackingLogger, nameof(GrowthBookClientOptions.OnFeatureUsage), e);
        }
    }

    bool ITrackingSink.IsTracking => HasTracking;

    ILogger ITrackingSink.Logger => _trackingLogger;

    void ITrackingSink.OnExperimentViewed(Experiment experiment, ExperimentResult result, UserContext user) => TrackExperiment(experiment, result, user);

    void ITrackingSink.OnFeatureUsage(string key, FeatureResult result, UserContext user) => TrackFeatureUsage(key, result, user);

    void ITrackingSink.RunInBackground(string callback, Func<CancellationToken, ValueTask> work) => _telemetry.Enqueue(new Telemetry.BackgroundWork(callback, work));

    /// <summary>The exposure dedupe set (for tests of its bound).</summary>
    internal BoundedSet TrackedExposures => _trackedExposures;

    /// <summary>The sticky-bucket store's circuit, null without a store (for tests and health).</summary>
    internal StoreCircuit? StickyBucketCircuit => _sticky?.Circuit;

    /// <summary>Reloads the bootstrap file now, as a file event would (for tests).</summary>
    internal Task ReloadBootstrapFileAsync() => _bootstrap.ReloadNowAsync(Path.GetFullPath(_options.BootstrapFile!));

    /// <summary>The bootstrap file's events: received, renames among them, still waiting or being read (for tests).</summary>
    internal (int Received, int Renames, int Pending) BootstrapFileEvents => _bootstrap.FileEvents;

    /// <summary>Whether the bootstrap file is watched (for tests).</summary>
    internal bool WatchesBootstrapFile => _bootstrap.Watching;

    /// <summary>How many payloads (and 304s) the store has judged so far (for tests).</summary>
    internal long PayloadOffers => _store.Offers;

    /// <summary>Completes when every change notification queued so far has run (for tests).</summary>
    internal Task WhenNotifiedAsync() => _notifier.WhenIdleAsync();

    /// <summary>
    /// Hands on everything tracked so far: waits until the background queue has passed every queued event to the
    /// publishers and plugins and run the queued async callbacks, then flushes every tracking plugin (each sends what
    /// it holds, retrying as configured). The host calls it at shutdown; <see cref="DisposeAsync"/> flushes too.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _telemetry.FlushAsync(cancellationToken);

    internal bool HasClientTracking => HasTracking;

    // Called by the payload store as the change happens (under its lock, in order). Which handlers are told is decided
    // now: a handler added later (say, just after InitializeAsync returned) is not told of a change it could not have
    // seen. The telling runs on the notifier's worker.
    private void OnPayloadChanged(PayloadState previous, PayloadState current)
    {
        var handlers = PayloadChanged;
        _notifier.Post(() => Notify(handlers, previous, current));
    }

    // On the change notifier's worker, one change at a time, in order: the handlers, then the change token. The token is
    // swapped here, not when the change happened, so that ChangeToken.OnChange, which takes the next token when one
    // fires, fires once for every change: a token fires on the next notification after it was taken.
    private void Notify(EventHandler<PayloadChangedEventArgs>? handlers, PayloadState previous, PayloadState current)
    {
        var token = Interlocked.Exchange(ref _changeTokenSource, new CancellationTokenSource());
        try
        {
            if (handlers is not null)
            {
                var args = new PayloadChangedEventArgs(previous.Payload, current.Payload, current.Source);
                foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<PayloadChangedEventArgs>>())
                {
                    try
                    {
                        handler(this, args);
                    }
                    catch (Exception e)
                    {
                        // A listener's bug must not undo the update, fail the refresh or silence the other listeners.
                        ClientLog.ChangeHandlerFailed(_logger, e);
                    }
                }
            }
        }
        finally
        {
            try
            {
                token.Cancel();
            }
            catch (AggregateException e)
            {
                ClientLog.ChangeHandlerFailed(_logger, e); // a change-token callback failed; the other listeners were still notified
            }

            token.Dispose();
        }
    }

    /// <summary>Stops background refresh and streaming and waits for them to end. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // a host and a `using` may both dispose: only the first call does the work
        }

        _bootstrap.Stop();
        Interlocked.Exchange(ref _connection, null)?.Disconnect();
        await _refresh.DisposeAsync().ConfigureAwait(false);
        _notifier.Complete();
        if (_sticky is not null)
        {
            await _sticky.FlushAsync().ConfigureAwait(false); // each save is bounded, so this ends
        }

        await _telemetry.DisposeAsync().ConfigureAwait(false);
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class ClientObserver(GrowthBookClient client, UserContext user) : IEvaluationObserver
    {
        public void OnExperimentViewed(Experiment experiment, ExperimentResult result) => client.TrackExperiment(experiment, result, user);

        public void OnFeatureUsage(string key, FeatureResult result) => client.TrackFeatureUsage(key, result, user);
    }
}
