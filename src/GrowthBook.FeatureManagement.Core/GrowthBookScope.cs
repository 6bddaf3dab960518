using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.StickyBucketing;
using GrowthBook.FeatureManagement.Telemetry;
using GrowthBook.FeatureManagement.Tracking;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A light, per-request view of GrowthBook for one user (the Python SDK's <c>GrowthBook</c> object): a payload,
/// a user context, and the experiments already tracked for that user. Creating one costs a few fields; evaluation
/// reads the shared, immutable payload. Not meant to be shared between threads of different users.
/// </summary>
public sealed partial class GrowthBookScope : IDisposable
{
    private readonly Observer _observer;
    private readonly ITrackingSink? _sink;
    private Action<Experiment, ExperimentResult>? _onExperimentViewed;
    private Action<string, FeatureResult>? _onFeatureUsage;
    private Func<Experiment, ExperimentResult, CancellationToken, ValueTask>? _onExperimentViewedAsync;
    private Func<string, FeatureResult, CancellationToken, ValueTask>? _onFeatureUsageAsync;
    private bool _hasCallbacks; // any of the four: one field test per evaluation instead of four
    private StickyBucketState? _sticky;
    private PendingSaves? _saves; // only for LoadStickyBucketsAsync's own store: creating a scope stays cheap

    /// <summary>Creates a scope over a payload for a user.</summary>
    public GrowthBookScope(GrowthBookPayload payload, UserContext? user = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Payload = payload;
        User = user ?? UserContext.Anonymous;
        _observer = new Observer(this);
    }

    /// <summary>A scope whose exposures and feature usage also go to <paramref name="sink"/> (a client's callbacks and dedupe).</summary>
    internal GrowthBookScope(GrowthBookPayload payload, UserContext user, ITrackingSink sink)
        : this(payload, user)
    {
        _sink = sink;
    }

    /// <summary>The payload evaluated; replacing it takes effect on the next call.</summary>
    public GrowthBookPayload Payload { get; set; }

    /// <summary>The user evaluated for; replacing it takes effect on the next call.</summary>
    public UserContext User { get; set; }

    /// <summary>Called once per user, experiment and variation when the user is put in an experiment. Exceptions it throws are logged, never thrown.</summary>
    public Action<Experiment, ExperimentResult>? OnExperimentViewed { get => _onExperimentViewed; set => SetCallback(ref _onExperimentViewed, value); }

    /// <summary>Called when a feature is evaluated (not for forced overrides). Exceptions it throws are logged, never thrown.</summary>
    public Action<string, FeatureResult>? OnFeatureUsage { get => _onFeatureUsage; set => SetCallback(ref _onFeatureUsage, value); }

    /// <summary>
    /// Like <see cref="OnExperimentViewed"/> (same dedupe), async: run in the background — on the queue of the client that
    /// created the scope, on the thread pool otherwise — never awaited by evaluation.
    /// </summary>
    public Func<Experiment, ExperimentResult, CancellationToken, ValueTask>? OnExperimentViewedAsync { get => _onExperimentViewedAsync; set => SetCallback(ref _onExperimentViewedAsync, value); }

    /// <summary>Like <see cref="OnFeatureUsage"/>, async: run in the background, never awaited by evaluation.</summary>
    public Func<string, FeatureResult, CancellationToken, ValueTask>? OnFeatureUsageAsync { get => _onFeatureUsageAsync; set => SetCallback(ref _onFeatureUsageAsync, value); }

    /// <summary>
    /// Where this scope's callback failures and sticky-bucket save failures are logged; a client's scope defaults to
    /// the client's <c>GrowthBook.Tracking</c> logger.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>Whether the feature's value is truthy for this user.</summary>
    public bool IsOn(string key) => EvalFeature(key).On;

    /// <summary>Whether the feature's value is falsy (or the feature unknown) for this user.</summary>
    public bool IsOff(string key) => EvalFeature(key).Off;

    /// <summary>Evaluates a feature: its value, and why.</summary>
    public FeatureResult EvalFeature(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ctx = new EvaluationContext(Payload, User, _sticky, _observer.IsActive ? _observer : null);
        return Evaluator.EvalFeature(ctx, key);
    }

    /// <summary>Runs an inline experiment for this user.</summary>
    public ExperimentResult Run(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var payload = Payload;
        var ctx = new EvaluationContext(payload, User, _sticky, _observer.IsActive ? _observer : null);
        return Evaluator.RunExperiment(ctx, experiment.GetDefinition(payload.SavedGroups), featureId: null);
    }

    /// <summary>
    /// Turns sticky bucketing on: loads this user's documents from <paramref name="service"/> for every attribute the
    /// payload's experiments hash on, then keeps assignments stable and saves new ones in the background.
    /// </summary>
    public async Task LoadStickyBucketsAsync(IStickyBucketService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var documents = await service.GetAllAssignmentsAsync(StickyBucketState.AttributesOf(Payload, User), cancellationToken).ConfigureAwait(false);
        var saves = _saves ??= new PendingSaves();
        _sticky = new StickyBucketState(
            new Dictionary<string, StickyAssignmentsDocument>(documents, StringComparer.Ordinal),
            doc => saves.Track(SaveAsync(service, doc)));
    }

    /// <summary>Sticky bucketing with documents loaded by whoever created the scope (null: without stickiness).</summary>
    internal void UseStickyBuckets(StickyBucketState? state) => _sticky = state;

    /// <summary>Waits for the saves this scope started (<see cref="LoadStickyBucketsAsync"/>'s store).</summary>
    internal Task FlushStickyBucketSavesAsync() => _saves?.WhenAllAsync() ?? Task.CompletedTask;

    /// <summary>The sticky-bucket documents as this scope knows them (loaded, plus assignments made since).</summary>
    public IReadOnlyDictionary<string, StickyAssignmentsDocument> GetStickyBucketAssignmentDocs()
        => _sticky?.Snapshot() ?? new Dictionary<string, StickyAssignmentsDocument>();

    private void SetCallback<T>(ref T? field, T? value)
        where T : Delegate
    {
        field = value;
        _hasCallbacks = _onExperimentViewed is not null || _onFeatureUsage is not null || _onExperimentViewedAsync is not null || _onFeatureUsageAsync is not null;
    }

    /// <summary>Stops callbacks; the scope holds nothing else that needs releasing.</summary>
    public void Dispose()
    {
        OnExperimentViewed = null;
        OnFeatureUsage = null;
        OnExperimentViewedAsync = null;
        OnFeatureUsageAsync = null;
    }

    // A failing store must never break evaluation: the failure is logged (never thrown) and the assignment stays in
    // this scope's documents. Without a logger it is still counted (growthbook.sticky_bucket.save_failures).
    private async Task SaveAsync(IStickyBucketService service, StickyAssignmentsDocument doc)
    {
        try
        {
            await service.SaveAssignmentsAsync(doc).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            GrowthBookInstruments.RecordStickyBucketSaveFailure(service);
            if (TrackingLogger is { } logger)
            {
                StickyBucketLog.SaveFailed(logger, service.GetType().Name, Security.RedactedException.Of(e));
            }
        }
    }

    private ILogger? TrackingLogger => Logger ?? _sink?.Logger;

    private void InvokeSafely<T1, T2>(Action<T1, T2> callback, T1 first, T2 second, string name)
    {
        try
        {
            callback(first, second);
        }
        catch (Exception e)
        {
            // Tracking must never break evaluation.
            if (TrackingLogger is { } logger)
            {
                TrackingLog.CallbackFailed(logger, name, e);
            }
        }
    }

    // Async callbacks never run on the evaluating thread: the sink's queue, or the thread pool for a scope without one.
    private void RunInBackground(string name, Func<CancellationToken, ValueTask> work)
    {
        if (_sink is not null)
        {
            _sink.RunInBackground(name, work);
            return;
        }

        var logger = TrackingLogger;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (logger is not null)
                {
                    TrackingLog.CallbackFailed(logger, name, e);
                }
            }
        });
    }

    private sealed class Observer(GrowthBookScope scope) : IEvaluationObserver
    {
        // Created on the first exposure: most scopes never track one, and creating a scope stays cheap.
        private HashSet<string>? _tracked;

        public bool IsActive => scope._hasCallbacks || (scope._sink is { } sink ? sink.IsTracking : GrowthBookInstruments.IsObserving);

        public void OnExperimentViewed(Experiment experiment, ExperimentResult result)
        {
            if (scope._sink is { } sink)
            {
                sink.OnExperimentViewed(experiment, result, scope.User);
            }
            else
            {
                GrowthBookInstruments.RecordExposure(experiment, result);
            }

            var callback = scope.OnExperimentViewed;
            var callbackAsync = scope.OnExperimentViewedAsync;
            if (callback is null && callbackAsync is null)
            {
                return;
            }

            var key = ExposureKey.Of(experiment, result);
            lock (this)
            {
                _tracked ??= new HashSet<string>(StringComparer.Ordinal);
                if (!_tracked.Add(key))
                {
                    return;
                }
            }

            if (callbackAsync is not null)
            {
                scope.RunInBackground(nameof(GrowthBookScope.OnExperimentViewedAsync), ct => callbackAsync(experiment, result, ct));
            }

            if (callback is not null)
            {
                scope.InvokeSafely(callback, experiment, result, nameof(GrowthBookScope.OnExperimentViewed));
            }
        }

        public void OnFeatureUsage(string key, FeatureResult result)
        {
            if (scope._sink is { } sink)
            {
                sink.OnFeatureUsage(key, result, scope.User);
            }
            else
            {
                GrowthBookInstruments.RecordEvaluation(key, result);
            }

            if (scope.OnFeatureUsageAsync is { } callbackAsync)
            {
                scope.RunInBackground(nameof(GrowthBookScope.OnFeatureUsageAsync), ct => callbackAsync(key, result, ct));
            }

            if (scope.OnFeatureUsage is { } callback)
            {
                scope.InvokeSafely(callback, key, result, nameof(GrowthBookScope.OnFeatureUsage));
            }
        }
    }
}
