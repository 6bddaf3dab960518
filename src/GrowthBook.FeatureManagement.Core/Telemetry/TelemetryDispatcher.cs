using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Telemetry;

/// <summary>
/// Hands events to the <see cref="ITelemetryPublisher"/>s from a bounded queue and one background worker, so
/// evaluation never waits for them. When the queue is full the oldest events are dropped (memory stays bounded).
/// </summary>
internal sealed partial class TelemetryDispatcher : IAsyncDisposable
{
    private readonly ITelemetryPublisher[] _publishers;
    private readonly ILogger _logger;
    private readonly Channel<GrowthBookTelemetryEvent> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;

    public TelemetryDispatcher(IEnumerable<ITelemetryPublisher> publishers, ILogger logger, int capacity = 10_000)
    {
        _publishers = publishers.ToArray();
        _logger = logger;
        WantsEvaluations = _publishers.Any(p => p.ReceivesEvaluations);
        _queue = Channel.CreateBounded<GrowthBookTelemetryEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _worker = _publishers.Length == 0 ? Task.CompletedTask : Task.Run(RunAsync);
    }

    public bool HasPublishers => _publishers.Length > 0;

    public bool WantsEvaluations { get; }

    public void Enqueue(GrowthBookTelemetryEvent telemetryEvent)
    {
        if (_publishers.Length > 0)
        {
            _queue.Writer.TryWrite(telemetryEvent);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var publisher in _publishers)
                {
                    if (item is FeatureEvaluatedEvent && !publisher.ReceivesEvaluations)
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
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Delivers what is queued (for up to 5 seconds), then stops the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_worker, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "GrowthBook telemetry publisher {Publisher} failed ({ExceptionType}); the event was dropped")]
    private static partial void PublisherFailed(ILogger logger, string publisher, string exceptionType);
}
