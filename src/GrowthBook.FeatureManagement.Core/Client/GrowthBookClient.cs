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
public sealed class GrowthBookClient : IAsyncDisposable, IDisposable
{
    private readonly GrowthBookClientOptions _options;
    private readonly FeatureRepository _repository;
    private readonly RemoteEvaluator? _remote;
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly BoundedSet _trackedExposures;
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyDictionary<string, int>? _globalForcedVariations;
    private readonly ILogger _logger;
    private readonly ILogger _trackingLogger;
    private readonly Telemetry.TelemetryDispatcher _telemetry;
    private readonly TimeProvider _time;
    private readonly StickyBucketing.ClientStickyBuckets? _sticky;
    private readonly Security.SecureAttributeHasher? _secure;
    private CancellationTokenSource _changeTokenSource = new();
    private int _initializeStarted;
    private int _disposed;

    /// <summary>Creates a client. Call <see cref="InitializeAsync"/> (or let the host do it) before relying on fresh features.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="httpClient">The HttpClient to use (for example from <c>IHttpClientFactory</c>); a new one when null.</param>
    /// <param name="cache">Where fetched payloads are kept; <see cref="InMemoryFeatureCache"/> when null.</param>
    /// <param name="loggerFactory">Logging; categories start with <c>GrowthBook</c>.</param>
    /// <param name="timeProvider">Time, for caching and backoff; the system clock when null.</param>
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
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid GrowthBook options: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _ownsHttpClient = httpClient is null;
        _http = httpClient ?? new HttpClient();
        var time = timeProvider ?? TimeProvider.System;
        _time = time;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        _trackingLogger = factory.CreateLogger("GrowthBook.Tracking");
        _telemetry = new Telemetry.TelemetryDispatcher(telemetryPublishers ?? [], options.TrackingPlugins, _trackingLogger);
        _logger = factory.CreateLogger("GrowthBook.Client");
        _repository = new FeatureRepository(options, _http, cache ?? new InMemoryFeatureCache(time), time, _logger);
        _repository.Changed += OnRepositoryChanged;
        if (options.RemoteEval)
        {
            _remote = new RemoteEvaluator(options, _http, time, factory.CreateLogger("GrowthBook.RemoteEval"));
            _repository.RemoteEvalInvalidated += _remote.Invalidate;
        }

        _trackedExposures = new BoundedSet(options.TrackingDedupeCapacity);
        _secure = Security.SecureAttributeHasher.From(options);
        _sticky = stickyBucketService is null || options.RemoteEval
            ? null // remote evaluation buckets on the server
            : new StickyBucketing.ClientStickyBuckets(stickyBucketService, _secure, options.StickyBucketTimeout, time, factory.CreateLogger("GrowthBook.StickyBucketing"));
        _globalForcedVariations = options.ForcedVariations.Count > 0 ? new Dictionary<string, int>(options.ForcedVariations, StringComparer.Ordinal) : null;
    }

    /// <summary>
    /// Raised once per effective payload change (never for a refresh that changed nothing). A handler that throws is
    /// logged and does not stop the other handlers or the update.
    /// </summary>
    public event EventHandler<PayloadChangedEventArgs>? PayloadChanged;

    /// <summary>The payload currently served (an empty one before initialisation).</summary>
    public GrowthBookPayload Payload
    {
        get
        {
            _repository.OnRead();
            return _repository.State.Payload;
        }
    }

    /// <summary>The payload currently served, read without starting a stale-while-revalidate refresh (for the adapter's definitions).</summary>
    internal GrowthBookPayload CurrentPayload => _repository.State.Payload;

    /// <summary>Where the current payload came from.</summary>
    public PayloadSource PayloadSource => _repository.State.Source;

    /// <summary>When the current payload was fetched or last confirmed unchanged.</summary>
    public DateTimeOffset PayloadFetchedAt => _repository.State.FetchedAt;

    /// <summary>Whether the current payload is younger than <see cref="GrowthBookClientOptions.CacheTtl"/>.</summary>
    public bool IsPayloadFresh => _repository.IsFresh;

    /// <summary>The last loading error (fetch, decryption, stream), or null.</summary>
    public Exception? LastError => _repository.LastError;

    /// <summary>Whether <see cref="InitializeAsync"/> has finished.</summary>
    public bool IsInitialized => _initialized.Task.IsCompleted;

    /// <summary>
    /// Loads the first payload: the bootstrap (if any) at once, then the feature cache, then the API within
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

    private InitializationResult? _initializationResult;

    private async Task<InitializationResult> InitializeCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            _repository.LoadBootstrap();
            var cached = await _repository.LoadFromCacheAsync(cancellationToken).ConfigureAwait(false);
            InitializationResult result;
            if (string.IsNullOrWhiteSpace(_options.ClientKey) || _options.RemoteEval)
            {
                result = new InitializationResult(_repository.State.Source == PayloadSource.None ? InitializationStatus.Failed : InitializationStatus.Bootstrap, _repository.State.Source, _repository.LastError);
            }
            else if (cached && _repository.State.Source == PayloadSource.Cache && _repository.IsFresh)
            {
                result = new InitializationResult(InitializationStatus.Cache, PayloadSource.Cache);
            }
            else
            {
                var fetch = _repository.RefreshAsync(cancellationToken);
                var finished = await Task.WhenAny(fetch, Task.Delay(_options.InitializationTimeout, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var state = _repository.State;
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
                        _ => finished == fetch ? InitializationStatus.Failed : InitializationStatus.TimedOut,
                    };
                    result = new InitializationResult(status, state.Source, _repository.LastError);
                }
            }

            _repository.StartBackground();
            _initializationResult = result;
            _initialized.TrySetResult();
            return result;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Exchange(ref _initializeStarted, 0);
            throw;
        }
    }

    /// <summary>Waits until initialisation has finished (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task<InitializationResult> WaitForInitializationAsync(CancellationToken cancellationToken = default)
    {
        await _initialized.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _initializationResult!;
    }

    /// <summary>Fetches the payload now (concurrent calls share one request). True when the API answered with a usable payload.</summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken = default) => _repository.RefreshAsync(cancellationToken);

    /// <summary>A change token that fires on the next effective payload change (for <c>ChangeToken.OnChange</c>).</summary>
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
        return Evaluator.EvalFeature(Context(Payload, user), key);
    }

    /// <summary>Evaluates against a payload snapshot the caller already holds (so a check and an evaluation see the same payload).</summary>
    internal FeatureResult EvalFeature(GrowthBookPayload payload, string key, UserContext user)
    {
        ThrowIfRemote();
        return Evaluator.EvalFeature(Context(payload, user), key);
    }

    /// <summary>Whether the feature's value is truthy for the user.</summary>
    public bool IsOn(string key, UserContext user) => EvalFeature(key, user).On;

    /// <summary>Whether the feature's value is falsy (or the feature unknown) for the user.</summary>
    public bool IsOff(string key, UserContext user) => EvalFeature(key, user).Off;

    /// <summary>The feature's value as <typeparamref name="T"/> for the user, or <paramref name="fallback"/> when null, unknown or of another type.</summary>
    public T GetFeatureValue<T>(string key, T fallback, UserContext user) => EvalFeature(key, user).GetValue(fallback);

    /// <summary>Runs an inline experiment for a user.</summary>
    public ExperimentResult Run(Experiment experiment, UserContext user)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRemote();
        var payload = Payload;
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
            var evaluated = await _remote.GetPayloadAsync(Effective(user), cancellationToken).ConfigureAwait(false);
            return Evaluator.EvalFeature(Context(evaluated, user), key);
        }

        return await EvalFeatureAsync(Payload, key, user, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates a feature for a user against a payload snapshot the caller already holds (for example one it just
    /// checked the feature's presence in: the check and the evaluation then see the same payload), with the client's
    /// overrides, tracking and the user's sticky-bucket documents (loaded once per user context; synchronous when there
    /// is no store or they are already loaded). Not for remote evaluation.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The client uses remote evaluation.</exception>
    public ValueTask<FeatureResult> EvalFeatureAsync(GrowthBookPayload payload, string key, UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(user);
        if (_sticky is null)
        {
            return new ValueTask<FeatureResult>(EvalFeature(payload, key, user));
        }

        var sticky = _sticky.GetStateAsync(payload, user, cancellationToken);
        return sticky.IsCompletedSuccessfully
            ? new ValueTask<FeatureResult>(Evaluator.EvalFeature(Context(payload, user, sticky.Result), key))
            : Sticky(payload, key, user, sticky);

        async ValueTask<FeatureResult> Sticky(GrowthBookPayload payload, string key, UserContext user, ValueTask<StickyBucketing.StickyBucketState?> sticky)
            => Evaluator.EvalFeature(Context(payload, user, await sticky.ConfigureAwait(false)), key);
    }

    /// <summary>
    /// Loads the user's sticky-bucket documents now, so that the synchronous calls (<see cref="EvalFeature(string, UserContext)"/>,
    /// <see cref="IsOn"/>, <see cref="Run"/>, <see cref="CreateScope"/>) with this same <paramref name="user"/> instance are
    /// sticky too: they never wait for a store themselves. True when sticky bucketing is active for the user; false
    /// when no store is configured or it failed or timed out (logged).
    /// </summary>
    public async ValueTask<bool> LoadStickyBucketsAsync(UserContext user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _sticky is not null && await _sticky.GetStateAsync(Payload, user, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// A light per-request object for one user over the current payload: no fetch, a few fields to create.
    /// Its tracking goes to the client's callbacks and dedupe.
    /// </summary>
    public GrowthBookScope CreateScope(UserContext user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfRemote();
        var scope = new GrowthBookScope(Payload, Effective(user), this);
        scope.UseStickyBuckets(_sticky?.Loaded(user));
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
                scope.UseStickyBuckets(await _sticky.GetStateAsync(scope.Payload, user, cancellationToken).ConfigureAwait(false));
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

    // Sync calls use the user's sticky-bucket documents only if already loaded: they never wait for a store.
    private EvaluationContext Context(GrowthBookPayload payload, UserContext user)
        => Context(payload, user, _sticky?.Loaded(user));

    private EvaluationContext Context(GrowthBookPayload payload, UserContext user, StickyBucketing.StickyBucketState? sticky)
        => new(payload, Effective(user), sticky, HasTracking ? new ClientObserver(this, user) : null);

    private bool HasTracking => _options.OnExperimentViewed is not null || _options.OnFeatureUsage is not null
        || _options.OnExperimentViewedAsync is not null || _options.OnFeatureUsageAsync is not null
        || _telemetry.HasPublishers || Telemetry.GrowthBookInstruments.IsObserving;

    // Client-wide settings merged into the user's: the user's own values win. Computed once per user context.
    internal UserContext Effective(UserContext user)
    {
        if (_secure is not null)
        {
            user = _secure.Apply(user);
        }

        bool qaMode = _options.QaMode, enabled = _options.Enabled;
        if (_globalForcedVariations is null && !qaMode && enabled)
        {
            return user;
        }

        if (user.WithClientOverrides is { } cached && ReferenceEquals(cached.Owner, this) && cached.QaMode == qaMode && cached.Enabled == enabled)
        {
            return cached.User;
        }

        var forced = user.ForcedVariations;
        if (_globalForcedVariations is not null)
        {
            var merged = new Dictionary<string, int>(_globalForcedVariations, StringComparer.Ordinal);
            foreach (var (k, v) in user.ForcedVariations ?? new Dictionary<string, int>())
            {
                merged[k] = v;
            }

            forced = merged;
        }

        var effective = user.Copy(user.Attributes, forced, user.QaMode || qaMode, user.Enabled && enabled);
        user.WithClientOverrides = new UserContext.ClientOverrides(this, qaMode, enabled, effective);
        return effective;
    }

    /// <summary>Tracks an exposure through the client's bounded dedupe: callbacks, publishers and plugins get it once.</summary>
    internal void TrackExperiment(Experiment experiment, ExperimentResult result, UserContext user)
    {
        Telemetry.GrowthBookInstruments.RecordExposure(experiment, result);
        var callback = _options.OnExperimentViewed;
        var callbackAsync = _options.OnExperimentViewedAsync;
        var publish = _telemetry.HasPublishers;
        if ((callback is null && callbackAsync is null && !publish) || !_trackedExposures.Add(ExposureKey(experiment, result)))
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

    /// <summary>Runs a scope's async callback on the background queue.</summary>
    internal void RunInBackground(string callback, Func<CancellationToken, ValueTask> work) => _telemetry.Enqueue(new Telemetry.BackgroundWork(callback, work));

    /// <summary>Where tracking failures are logged (category <c>GrowthBook.Tracking</c>).</summary>
    internal ILogger TrackingLogger => _trackingLogger;

    /// <summary>The exposure dedupe set (for tests of its bound).</summary>
    internal BoundedSet TrackedExposures => _trackedExposures;

    /// <summary>
    /// Hands on everything tracked so far: waits until the background queue has passed every queued event to the
    /// publishers and plugins and run the queued async callbacks, then flushes every tracking plugin (each sends what
    /// it holds, retrying as configured). The host calls it at shutdown; <see cref="DisposeAsync"/> flushes too.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _telemetry.FlushAsync(cancellationToken);

    internal bool HasClientTracking => HasTracking;

    // hashAttribute + hashValue + experiment key + variation id (ENGINE-NOTES §2.10).
    internal static string ExposureKey(Experiment experiment, ExperimentResult result)
        => result.HashAttribute + result.RawHashValue.ToJsString() + experiment.Key + result.VariationId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void OnRepositoryChanged(PayloadState previous, PayloadState current)
    {
        var old = Interlocked.Exchange(ref _changeTokenSource, new CancellationTokenSource());
        try
        {
            if (PayloadChanged is { } handlers)
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
                old.Cancel();
            }
            catch (AggregateException)
            {
                // A change-token callback failed; other listeners were still notified.
            }

            old.Dispose();
        }
    }

    /// <summary>Stops background refresh and streaming and waits for them to end. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // a host and a `using` may both dispose: only the first call does the work
        }

        await _repository.DisposeAsync().ConfigureAwait(false);
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
