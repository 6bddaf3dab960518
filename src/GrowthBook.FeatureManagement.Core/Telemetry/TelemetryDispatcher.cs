using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Telemetry;

/// <summary>
/// Hands events to the <see cref="ITelemetryPublisher"/>s and <see cref="ITrackingPlugin"/>s, and runs async tracking
/// callbacks, from one bounded queue and one background worker, so evaluation never waits for them. When the queue is
/// full the oldest item is dropped and counted (memory stays bounded).
/// </summary>
internal sealed partial class TelemetryDispatcher : IAsyncDisposable
{
    private readonly ITelemetryPublisher[] _publishers;
    private readonly ITrackingPlugin[] _plugins;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<object> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _worker;
    private TaskCompletionSource? _progress; // set while a flush waits for the worker
    private long _enqueued;
    private long _settled;
    private long _dropped;
    private int _disposed;

    public TelemetryDispatcher(IEnumerable<ITelemetryPublisher> publishers, IEnumerable<ITrackingPlugin> plugins, ILogger logger, TimeProvider time, int capacity = 10_000)
    {
        _publishers = publishers.ToArray();
        _plugins = plugins.Distinct().ToArray();
        _logger = logger;
        _time = time;
        _queue = Channel.CreateBounded<object>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                Settle();
            });
    }

    /// <summary>Whether any publisher or plugin takes exposures now (read on every evaluation: no allocation).</summary>
    public bool HasPublishers
    {
        get
        {
            if (_plugins.Length > 0)
            {
                return true;
            }

            foreach (var publisher in _publishers)
            {
                if (publisher.IsEnabled)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether any publisher or plugin takes feature evaluations now.</summary>
    public bool WantsEvaluations
    {
        get
        {
            foreach (var plugin in _plugins)
            {
                if (plugin.ReceivesFeatureUsage)
                {
                    return true;
                }
            }

            foreach (var publisher in _publishers)
            {
                if (publisher.ReceivesEvaluations && publisher.IsEnabled)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Items dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(GrowthBookTelemetryEvent telemetryEvent) => Write(telemetryEvent);

    public void Enqueue(BackgroundWork work) => Write(work);

    private void Write(object item)
    {
        if (_disposed != 0)
        {
            return;
        }

        EnsureWorker();
        Interlocked.Increment(ref _enqueued);
        if (!_queue.Writer.TryWrite(item))
        {
            Settle(); // completed: shutting down
        }
    }

    private void EnsureWorker()
    {
        if (Volatile.Read(ref _worker) is not null)
        {
            return;
        }

        lock (_gate)
        {
            _worker ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    if (item is BackgroundWork work)
                    {
                        await RunCallbackAsync(work).ConfigureAwait(false);
                    }
                    else
                    {
                        await PublishAsync((GrowthBookTelemetryEvent)item).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Settle();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunCallbackAsync(BackgroundWork work)
    {
        try
        {
            await work.Run(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            Tracking.TrackingLog.CallbackFailed(_logger, work.Callback, e);
        }
    }

    private async Task PublishAsync(GrowthBookTelemetryEvent item)
    {
        var evaluation = item is FeatureEvaluatedEvent;
        foreach (var plugin in _plugins)
        {
            if (evaluation && !plugin.ReceivesFeatureUsage)
            {
                continue;
            }

            try
            {
                plugin.Track(item);
            }
            catch (Exception e)
            {
                PublisherFailed(_logger, plugin.GetType().Name, e.GetType().Name);
            }
        }

        foreach (var publisher in _publishers)
        {
            if ((evaluation && !publisher.ReceivesEvaluations) || !publisher.IsEnabled)
            {
                continue;
            }

            try
            {
                await publisher.PublishAsync(item, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                PublisherFailed(_logger, publisher.GetType().Name, e.GetType().Name);
            }
        }
    }

    /// <summary>Waits until everything queued before the call was handed on, then flushes every plugin.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _enqueued);
        while (true)
        {
            var progress = Progress(); // taken before the check: an item settled after it completes it
            if (Interlocked.Read(ref _settled) >= target || Volatile.Read(ref _worker) is not { IsCompleted: false })
            {
                break;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var plugin in _plugins)
        {
            try
            {
                await plugin.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PublisherFailed(_logger, plugin.GetType().Name, e.GetType().Name);
            }
        }
    }

    /// <summary>Delivers what is queued (for up to 5 seconds), then flushes and disposes the plugins and stops the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _worker) is { } worker)
        {
            await Task.WhenAny(worker, Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _worker) is { } stopped)
        {
            await stopped.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var plugin in _plugins)
        {
            try
            {
                await plugin.DisposeAsync().ConfigureAwait(false); // a plugin flushes what it holds when disposed
            }
            catch (Exception e)
            {
                PublisherFailed(_logger, plugin.GetType().Name, e.GetType().Name);
            }
        }

        _stop.Dispose();
    }

    // An item was handed on, dropped or refused: wakes a flush waiting for the worker.
    private void Settle()
    {
        Interlocked.Increment(ref _settled);
        if (Volatile.Read(ref _progress) is not null)
        {
            Interlocked.Exchange(ref _progress, null)?.TrySetResult();
        }
    }

    private Task Progress()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _progress, created, null) ?? created).Task;
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "GrowthBook telemetry publisher {Publisher} failed ({ExceptionType}); the event was dropped")]
    private static partial void PublisherFailed(ILogger logger, string publisher, string exceptionType);
}
