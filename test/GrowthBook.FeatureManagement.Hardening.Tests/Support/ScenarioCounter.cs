namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>A scenario's counts, thread-safe: iterations tried, failures seen, and a figure to print.</summary>
internal sealed class ScenarioCounter
{
    private long _iterations;
    private long _failures;

    public long Iterations => Interlocked.Read(ref _iterations);

    public long Failures => Interlocked.Read(ref _failures);

    public string Figure { get; set; } = "";

    public void Add(long iterations = 1) => Interlocked.Add(ref _iterations, iterations);

    public void Fail(long failures = 1) => Interlocked.Add(ref _failures, failures);
}
