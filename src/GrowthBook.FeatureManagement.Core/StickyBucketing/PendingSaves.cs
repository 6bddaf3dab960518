using System.Collections.Concurrent;

namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>Sticky-bucket saves still running in the background, so disposal (and tests) can wait for them.</summary>
internal sealed class PendingSaves
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public void Track(Task save)
    {
        if (save.IsCompleted)
        {
            return; // the common case for local stores: nothing to remember
        }

        _running[save] = 0;
        save.ContinueWith((t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every save started so far has finished (saves never fault: they log).</summary>
    public Task WhenAllAsync() => Task.WhenAll(_running.Keys);
}
