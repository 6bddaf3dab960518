namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>The system clock, moved forward on demand (timers still run in real time).</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override long GetTimestamp()
        => System.GetTimestamp() + (long)(TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks)).TotalSeconds * System.TimestampFrequency);

    public override long TimestampFrequency => System.TimestampFrequency;
}
