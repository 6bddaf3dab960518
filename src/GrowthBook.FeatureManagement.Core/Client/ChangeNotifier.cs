using System.Threading.Channels;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Runs the client's change notifications one at a time, in the order the changes happened, on a worker of its own:
/// the code that changed the payload only queues them, so a listener that blocks, throws or calls back into the
/// client delays neither the next payload nor any evaluation. A listener that blocks for good holds up only the
/// notifications after it (they wait in the queue, with the payloads they name).
/// </summary>
internal sealed class ChangeNotifier
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _gate = new();
    private Task? _worker;
    private long _posted;
    private long _done;
    private TaskCompletionSource? _idle;

    /// <summary>Queues a notification (who is told was decided by the caller, when the change happened); never blocks, never runs a listener.</summary>
    public void Post(Action notification)
    {
        Interlocked.Increment(ref _posted);
        if (!_queue.Writer.TryWrite(notification))
        {
            Settle(); // disposed: nobody is listening any more
            return;
        }

        if (Volatile.Read(ref _worker) is null)
        {
            lock (_gate)
            {
                _worker ??= Task.Run(RunAsync);
            }
        }
    }

    /// <summary>Completes when every notification queued so far has run (for tests and for <c>FlushAsync</c>-style waits).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (Interlocked.Read(ref _done) >= Interlocked.Read(ref _posted))
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>Stops taking notifications. Does not wait for a listener that is running (it may never return).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        await foreach (var notification in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                notification();
            }
            catch (Exception)
            {
                // The client catches and logs each listener's exception itself; nothing may stop this worker.
            }
            finally
            {
                Settle();
            }
        }
    }

    private void Settle()
    {
        Interlocked.Increment(ref _done);
        lock (_gate)
        {
            if (_idle is { } idle && Interlocked.Read(ref _done) >= Interlocked.Read(ref _posted))
            {
                _idle = null;
                idle.SetResult();
            }
        }
    }
}
