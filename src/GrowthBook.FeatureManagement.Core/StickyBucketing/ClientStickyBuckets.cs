using GrowthBook.FeatureManagement.Client;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// The shared client's sticky bucketing: loads a user's documents once per <see cref="UserContext"/> (every sticky
/// attribute in one <see cref="IStickyBucketService.GetAllAssignmentsAsync"/> call), bounded by a timeout and behind a
/// circuit breaker, and saves new assignments in the background. A store that fails, is too slow or is kept away by
/// the open circuit means evaluation without stickiness: never an exception for the caller, and nothing saved for
/// that user context (so a sticky assignment the store holds is not overwritten by a fresh one). While the circuit is
/// open no request waits for the store, not even the one whose load is the half-open probe. A user context whose load
/// failed loads again once the store has recovered.
/// </summary>
internal sealed class ClientStickyBuckets
{
    private readonly IStickyBucketService _service;
    private readonly StoreCircuit _circuit;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _saveTimeout;
    private readonly ILogger _logger;
    private readonly PendingSaves _saves = new();
    private readonly string _storeName;

    public ClientStickyBuckets(IStickyBucketService service, TimeSpan timeout, TimeSpan breakDuration, TimeProvider time, ILogger logger)
    {
        _service = service;
        _timeout = timeout;
        _logger = logger;
        _storeName = service.GetType().Name;

        // Saves do not hold anyone up, so they get more time than loads; still bounded, so a hung store cannot pile them up.
        _saveTimeout = timeout > TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5);
        _circuit = new StoreCircuit("sticky-bucket store " + _storeName, "evaluating without sticky bucketing, saving no assignment", breakDuration, time, logger);
    }

    /// <summary>The circuit around the store (for health and tests).</summary>
    internal StoreCircuit Circuit => _circuit;

    /// <summary>The user's documents if they are already loaded (for sync calls, which never wait for a store).</summary>
    public static StickyBucketState? Loaded(UserSession? session)
        => session?.StickyBuckets is { State.IsCompletedSuccessfully: true } load ? load.State.Result : null;

    /// <summary>
    /// The user's documents for <paramref name="payload"/>: those of <paramref name="session"/>, else loaded from the
    /// store for the attributes evaluation reads, of <paramref name="user"/> (secure ones already hashed). Null:
    /// evaluate without stickiness.
    /// </summary>
    public ValueTask<StickyBucketState?> GetStateAsync(GrowthBookPayload payload, UserContext user, UserSession session, CancellationToken cancellationToken)
    {
        var attributes = payload.StickyBucketAttributes;
        var load = session.StickyBuckets;
        if (load is null || !SameAttributes(load.Attributes, attributes) || RetryAfterRecovery(load))
        {
            // Concurrent first calls for one user context: only the one that publishes its load reads the store.
            var completion = new TaskCompletionSource<StickyBucketState?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new StickyBucketLoad(attributes, completion.Task, _circuit.Recoveries, IsProbe: _circuit.IsOpen);
            if (Interlocked.CompareExchange(ref session.StickyBuckets, started, load) == load)
            {
                _ = CompleteAsync(completion, StickyBucketState.AttributesOf(payload, user));
                load = started;
            }
            else
            {
                load = session.StickyBuckets!;
            }
        }

        var state = load.State;
        if (state.IsCompletedSuccessfully)
        {
            return new ValueTask<StickyBucketState?>(state.Result);
        }

        // A load started while the circuit was open is its half-open probe (or kept away at once): the request does not
        // wait for it (no stickiness this time); the documents a probe brings serve this user context's later calls.
        return load.IsProbe ? default : new ValueTask<StickyBucketState?>(state.WaitAsync(cancellationToken));
    }

    /// <summary>Waits for the saves started so far.</summary>
    public Task FlushAsync() => _saves.WhenAllAsync();

    private static bool SameAttributes(string[] loaded, string[] current)
        => ReferenceEquals(loaded, current) || loaded.AsSpan().SequenceEqual(current);

    private bool RetryAfterRecovery(StickyBucketLoad load)
        => load.State is { IsCompletedSuccessfully: true, Result: null } && load.Recoveries != _circuit.Recoveries;

    // LoadAsync never throws (a failure is logged and means "no stickiness").
    private async Task CompleteAsync(TaskCompletionSource<StickyBucketState?> completion, Dictionary<string, string> attributes)
        => completion.SetResult(await LoadAsync(attributes).ConfigureAwait(false));

    private async Task<StickyBucketState?> LoadAsync(Dictionary<string, string> attributes)
    {
        if (attributes.Count == 0)
        {
            // Nothing to look up (an anonymous user, or a payload without experiments): no round trip.
            return new StickyBucketState(new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal), Save);
        }

        var outcome = await _circuit.ExecuteAsync(
            static (call, cancellationToken) => call.Service.GetAllAssignmentsAsync(call.Attributes, cancellationToken),
            (Service: _service, Attributes: attributes),
            _timeout,
            CancellationToken.None).ConfigureAwait(false);
        switch (outcome.Exception)
        {
            case null:
                break;
            case BrokenCircuitException:
                return null; // the open circuit was logged once
            case TimeoutException:
                StickyBucketLog.LoadTimedOut(_logger, _storeName, _timeout);
                return null;
            case { } e:
                StickyBucketLog.LoadFailed(_logger, _storeName, Security.RedactedException.Of(e));
                return null;
        }

        // Keep only the documents asked for: a store's extra or mislabelled documents are not this user's.
        var documents = outcome.Result!;
        var own = new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            var key = StickyAssignmentsDocument.GetKey(name, value);
            if (documents.TryGetValue(key, out var document) && document is not null && document.IsFor(name, value))
            {
                own[key] = document;
            }
        }

        return new StickyBucketState(own, Save);
    }

    // Called by evaluation when an assignment changed: start the save (it runs synchronously up to its first await,
    // so a request-bound store such as the cookie store still sees its request) and do not wait for it.
    private void Save(StickyAssignmentsDocument document) => _saves.Track(SaveAsync(document));

    private async Task SaveAsync(StickyAssignmentsDocument document)
    {
        var outcome = await _circuit.ExecuteAsync(
            static async (call, cancellationToken) =>
            {
                await call.Service.SaveAssignmentsAsync(call.Document, cancellationToken).ConfigureAwait(false);
                return true;
            },
            (Service: _service, Document: document),
            _saveTimeout,
            CancellationToken.None).ConfigureAwait(false);
        switch (outcome.Exception)
        {
            case null or BrokenCircuitException:
                break;
            case TimeoutException:
                StickyBucketLog.SaveTimedOut(_logger, _storeName, _saveTimeout);
                break;
            case { } e:
                StickyBucketLog.SaveFailed(_logger, _storeName, Security.RedactedException.Of(e));
                break;
        }
    }
}
