using System.Collections.Concurrent;
using System.Diagnostics;

namespace GrowthBook.FeatureManagement.Tests.Telemetry;

/// <summary>A real <see cref="ActivityListener"/> on the given sources, recording every stopped activity.</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public ActivityRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public void Dispose() => _listener.Dispose();
}
