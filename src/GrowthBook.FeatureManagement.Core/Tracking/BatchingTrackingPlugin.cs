using System.Threading.Channels;
using GrowthBook.FeatureManagement.Client;
using GrowthBook.FeatureManagement.Tracking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The base of batching tracking plugins: <see cref="Track"/> puts the event on a bounded
/// <see cref="System.Threading.Channels"/> queue and returns; one background worker sends batches of
/// <see cref="TrackingPluginOptions.BatchSize"/> events, or fewer after <see cref="TrackingPluginOptions.FlushInterval"/>,
/// and retries a failed batch with exponential backoff and jitter up to <see cref="TrackingPluginOptions.MaxRetries"/>
/// times, the same batch (same <see cref="TrackingBatch.Id"/>, same events) on every attempt. Time comes from the
/// <see cref="TimeProvider"/>. Subclasses implement <see cref="SendAsync"/>.
/// </summary>
/// <remarks>
/// While the sink is down the worker holds one batch (retrying it) and the queue takes up to
/// <see cref="TrackingPluginOptions.QueueCapacity"/> events; beyond that the oldest queued event is dropped and counted
/// in <see cref="DroppedEvents"/>. Memory stays bounded however long the sink is down.
/// </remarks>
public abstract class BatchingTrackingPlugin : ITrackingPlugin
{
    private readonly Channel<GrowthBookTelemetryEvent> _queue;
    private volatile bool _waitingOnClock;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _progress = NewSignal();
    private int _flushWaiters;
    private long _accepted;
    private long _delivered;
    private long _failed;
    private long _dropped;
    private int _disposed;

    /// <summary>Creates the plugin and starts its worker.</summary>
    /// <param name="options">Batching, retry and queue settings; the defaults when null.</param>
    /// <param name="timeProvider">Time for flush intervals and retry delays; the system clock when null.</param>
    /// <param name="logger">Where failures, retries and drops are logged.</param>
    protected BatchingTrackingPlugin(TrackingPluginOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        Options = options ?? new TrackingPluginOptions();
        Validation.OptionsValidation.ThrowIfInvalid(new TrackingPluginOptionsValidator(), Options, nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        _queue = Channel.CreateBounded<GrowthBookTelemetryEvent>(
            new BoundedChannelOptions(Options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The settings in use.</summary>
    public TrackingPluginOptions Options { get; }

    /// <inheritdoc />
    public virtual bool ReceivesFeatureUsage => Options.TrackFeatureUsage;

    /// <summary>Events delivered (in batches that succeeded).</summary>
    public long DeliveredEvents => Interlocked.Read(ref _delivered);

    /// <summary>Events given up: their batch failed every attempt, failed permanently, or was still undelivered at shutdown.</summary>
    public long FailedEvents => Interlocked.Read(ref _failed);

    /// <summary>Events dropped because the queue was full (the oldest go first).</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Events taken and not yet delivered, failed or dropped.</summary>
    public long PendingEvents => Interlocked.Read(ref _accepted) - Settled;

    /// <summary>The logger given to the constructor (a null logger when none).</summary>
    protected ILogger Logger { get; }

    private long Settled => Interlocked.Read(ref _delivered) + Interlocked.Read(ref _failed) + Interlocked.Read(ref _dropped);

    private bool FlushRequested => Volatile.Read(ref _flushWaiters) > 0;

    /// <summary>Queues the event and returns at once; after disposal the event is dropped and counted.</summary>
    public void Track(GrowthBookTelemetryEvent telemetryEvent)
    {
        ArgumentNullException.ThrowIfNull(telemetryEvent);
        Interlocked.Increment(ref _accepted);
        if (_disposed != 0 || !_queue.Writer.TryWrite(telemetryEvent))
        {
            OnDropped(telemetryEvent);
        }
    }

    /// <summary>Sends one batch. Throw to fail the attempt: a <see cref="TrackingDeliveryException"/> that is not transient gives the batch up at once, anything else is retried.</summary>
    /// <param name="batch">The batch (the same id and events on every attempt).</param>
    /// <param name="cancellationToken">Cancelled when the plugin shuts down.</param>
    protected abstract Task SendAsync(TrackingBatch batch, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        Interlocked.Increment(ref _flushWaiters);
        try
        {
            Signal(ref _wake);
            while (true)
            {
                var progress = Volatile.Read(ref _progress).Task;
                if (Settled >= target || _worker.IsCompleted)
                {
                    return;
                }

                await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _flushWaiters);
        }
    }

    /// <summary>Sends what is queued (for up to <see cref="TrackingPluginOptions.ShutdownTimeout"/>), gives up the rest, and stops the worker. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Increment(ref _flushWaiters); // no more waiting for batches to fill
        _queue.Writer.TryComplete();
        Signal(ref _wake);
        await Task.WhenAny(_worker, Task.Delay(Options.ShutdownTimeout, _time)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether the worker is waiting on the clock now (a flush interval or a retry backoff): tests move a fake clock once the wait is armed.</summary>
    internal bool WaitingOnClock => _waitingOnClock;

    /// <summary>Releases what the subclass holds, after the last batch was sent or given up.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<GrowthBookTelemetryEvent>(Options.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var started = _time.GetTimestamp();
                while (true)
                {
                    while (batch.Count < Options.BatchSize && reader.TryRead(out var item))
                    {
                        batch.Add(item);
                    }

                    var remaining = Options.FlushInterval - _time.GetElapsedTime(started);
                    if (batch.Count >= Options.BatchSize || FlushRequested || remaining <= TimeSpan.Zero
                        || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                if (batch.Count > 0)
                {
                    await SendWithRetriesAsync(batch).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutdown timed out: what is still held is given up, and said so.
            var left = batch.Count;
            while (reader.TryRead(out _))
            {
                left++;
            }

            if (left > 0)
            {
                Interlocked.Add(ref _failed, left);
                TrackingLog.GivenUpAtShutdown(Logger, GetType().Name, left);
            }
        }
        finally
        {
            Signal(ref _progress);
        }
    }

    // Waits for another event, the flush interval, or a flush request. False when the queue is completed and empty.
    private async Task<bool> WaitForMoreAsync(ChannelReader<GrowthBookTelemetryEvent> reader, TimeSpan remaining)
    {
        // The wake signal is taken before flush requests are looked at: a flush that signalled just before is seen here,
        // one that signals later completes this task. (Taken after the caller's look only, a flush in between was lost
        // and the batch waited for the whole flush interval.)
        var wake = Volatile.Read(ref _wake).Task;
        if (FlushRequested)
        {
            return true;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var more = reader.WaitToReadAsync(wait.Token).AsTask();
        var interval = Task.Delay(remaining, _time, wait.Token);
        _waitingOnClock = true;
        var first = await Task.WhenAny(more, interval, wake).ConfigureAwait(false);
        _waitingOnClock = false;
        await wait.CancelAsync().ConfigureAwait(false);
        _stop.Token.ThrowIfCancellationRequested();
        return first != more || (more.IsCompletedSuccessfully && more.Result);
    }

    private async Task SendWithRetriesAsync(List<GrowthBookTelemetryEvent> events)
    {
        var id = Guid.NewGuid().ToString("N");
        var snapshot = events.ToArray();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendAsync(new TrackingBatch(id, snapshot, attempt), _stop.Token).ConfigureAwait(false);
                Interlocked.Add(ref _delivered, snapshot.Length);
                events.Clear();
                Signal(ref _progress);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                var problem = e is TrackingDeliveryException ? e.Message : e.GetType().Name;
                if (e is TrackingDeliveryException { IsTransient: false } || attempt > Options.MaxRetries)
                {
                    TrackingLog.BatchFailed(Logger, GetType().Name, id, snapshot.Length, attempt, problem);
                    Interlocked.Add(ref _failed, snapshot.Length);
                    events.Clear();
                    Signal(ref _progress);
                    return;
                }

                var delay = Backoff.Delay(Options.RetryBaseDelay, attempt, Options.MaxRetryDelay);
                TrackingLog.BatchRetrying(Logger, GetType().Name, id, snapshot.Length, attempt, problem, delay);
                var backoff = Task.Delay(delay, _time, _stop.Token);
                _waitingOnClock = true;
                try
                {
                    await backoff.ConfigureAwait(false);
                }
                finally
                {
                    _waitingOnClock = false;
                }
            }
        }
    }

    private void OnDropped(GrowthBookTelemetryEvent dropped)
    {
        var count = Interlocked.Increment(ref _dropped);
        if (count == 1 || count % 1000 == 0)
        {
            TrackingLog.EventsDropped(Logger, GetType().Name, count);
        }

        Signal(ref _progress);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal) => Interlocked.Exchange(ref signal, NewSignal()).TrySetResult();
}
