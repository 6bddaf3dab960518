using System.Diagnostics;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// Times several calls in alternation in one process (A, B, C, A, B, C, …, batch by batch) and keeps each one's fastest
/// batch, so that load from other work on a shared machine hits every side alike.
/// </summary>
internal static class Alternation
{
    /// <summary>The fastest batch of each call, in nanoseconds per call.</summary>
    public static double[] FastestBatches<T>(int batches, int callsPerBatch, params Func<T>[] calls)
    {
        var best = Enumerable.Repeat(double.MaxValue, calls.Length).ToArray();
        for (var batch = 0; batch < batches; batch++)
        {
            for (var side = 0; side < calls.Length; side++)
            {
                best[side] = Math.Min(best[side], Time(calls[side], callsPerBatch));
            }
        }

        return best;
    }

    private static double Time<T>(Func<T> call, int calls)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        return stopwatch.Elapsed.TotalNanoseconds / calls;
    }
}
