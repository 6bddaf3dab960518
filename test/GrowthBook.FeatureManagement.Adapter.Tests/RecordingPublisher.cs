using System.Collections.Concurrent;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>A telemetry publisher that records what it is given and can be held closed to stand for a slow backend.</summary>
internal sealed class RecordingPublisher : ITelemetryPublisher
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RecordingPublisher(bool open = true)
    {
        if (open)
        {
            _open.SetResult();
        }
    }

    public ConcurrentQueue<GrowthBookTelemetryEvent> Events { get; } = new();

    public int Calls => _calls;

    private int _calls;

    public void Open() => _open.TrySetResult();

    public async ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await _open.Task.WaitAsync(cancellationToken);
        Events.Enqueue(telemetryEvent);
    }

    /// <summary>Waits until <paramref name="count"/> events arrived (or the timeout), then a little longer to catch extra ones.</summary>
    public async Task<List<GrowthBookTelemetryEvent>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Events.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        return [.. Events];
    }
}
