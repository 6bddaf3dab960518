using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// The shared client's sticky bucketing: loads a user's documents once per <see cref="UserContext"/> (every sticky
/// attribute in one <see cref="IStickyBucketService.GetAllAssignmentsAsync"/> call), bounded by a timeout, and saves
/// new assignments in the background. A store that fails or is too slow is logged and evaluation goes on without
/// stickiness: it never throws to the caller, and nothing is saved for that user context (so a sticky assignment the
/// store holds is not overwritten by a fresh one).
/// </summary>
internal sealed class ClientStickyBuckets(IStickyBucketService service, Security.SecureAttributeHasher? secure, TimeSpan timeout, TimeProvider time, ILogger logger)
{
    // Saves do not hold anyone up, so they get more time than loads; still bounded, so a hung store cannot pile them up.
    private readonly TimeSpan _saveTimeout = timeout > TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5);
    private readonly PendingSaves _saves = new();
    private readonly string _storeName = service.GetType().Name;

    /// <summary>The user's documents if this client already loaded them (for sync calls, which never wait for a store).</summary>
    public StickyBucketState? Loaded(UserContext user)
        => user.StickyBuckets is { } load && ReferenceEquals(load.Owner, this) && load.State.IsCompletedSuccessfully ? load.State.Result : null;

    /// <summary>
    /// The user's documents for <paramref name="payload"/>: cached on <paramref name="user"/>, else loaded from the
    /// store for the attributes evaluation reads (secure ones hashed). Null: evaluate without stickiness.
    /// </summary>
    public ValueTask<StickyBucketState?> GetStateAsync(GrowthBookPayload payload, UserContext user, CancellationToken cancellationToken)
    {
        var attributes = payload.StickyBucketAttributes;
        var load = user.StickyBuckets;
        if (load is null || !ReferenceEquals(load.Owner, this) || !SameAttributes(load.Attributes, attributes))
        {
            // Concurrent first calls for one user context: only the one that publishes its load reads the store.
            var completion = new TaskCompletionSource<StickyBucketState?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new StickyBucketLoad(this, attributes, completion.Task);
            if (Interlocked.CompareExchange(ref user.StickyBuckets, started, load) == load)
            {
                // Only the attributes matter here, and of the client's settings only secure hashing changes them.
                _ = CompleteAsync(completion, StickyBucketState.AttributesOf(payload, secure?.Apply(user) ?? user));
                load = started;
            }
            else
            {
                load = user.StickyBuckets!;
            }
        }

        var state = load.State;
        return state.IsCompletedSuccessfully ? new ValueTask<StickyBucketState?>(state.Result) : new ValueTask<StickyBucketState?>(state.WaitAsync(cancellationToken));
    }

    /// <summary>Waits for the saves started so far.</summary>
    public Task FlushAsync() => _saves.WhenAllAsync();

    private static bool SameAttributes(string[] loaded, string[] current)
        => ReferenceEquals(loaded, current) || loaded.AsSpan().SequenceEqual(current);

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

        using var cancel = new CancellationTokenSource();
        Task<IReadOnlyDictionary<string, StickyAssignmentsDocument>>? task = null;
        IReadOnlyDictionary<string, StickyAssignmentsDocument> documents;
        try
        {
            var pending = service.GetAllAssignmentsAsync(attributes, cancel.Token);
            if (pending.IsCompleted)
            {
                documents = await pending.ConfigureAwait(false);
            }
            else
            {
                task = pending.AsTask();
                documents = await task.WaitAsync(timeout, time).ConfigureAwait(false);
            }
        }
        catch (TimeoutException) when (task is not null)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            Abandon(task);
            StickyBucketLog.LoadTimedOut(logger, _storeName, timeout);
            return null;
        }
        catch (Exception e)
        {
            StickyBucketLog.LoadFailed(logger, _storeName, e.GetType().Name);
            return null;
        }

        // Keep only the documents asked for: a store's extra or mislabelled documents are not this user's.
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
        using var cancel = new CancellationTokenSource();
        Task? task = null;
        try
        {
            var pending = service.SaveAssignmentsAsync(document, cancel.Token);
            if (pending.IsCompleted)
            {
                await pending.ConfigureAwait(false);
                return;
            }

            task = pending.AsTask();
            await task.WaitAsync(_saveTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException) when (task is not null && !task.IsCompleted)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            Abandon(task);
            StickyBucketLog.SaveTimedOut(logger, _storeName, _saveTimeout);
        }
        catch (Exception e)
        {
            StickyBucketLog.SaveFailed(logger, _storeName, e.GetType().Name);
        }
    }

    // A store call given up on may still fail later: observe it, so it is not reported as an unobserved exception.
    private static void Abandon(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
