using System.Globalization;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--requests</c>: <see cref="RequestBenchmarks"/>' requests timed in alternation in one process (<see cref="Alternation"/>:
/// 30 batches of 2,000 requests of each, the fastest batch of each kept, after an unreported warm-up pass), for ratios
/// that hold on a busy machine. A measurement aid: no allocation figures (BenchmarkDotNet's run has them), no statistics.
/// </summary>
internal static class RequestComparison
{
    private const int Batches = 30;
    private const int RequestsPerBatch = 2_000;

    public static int Run(TextWriter output)
    {
        var benchmarks = new RequestBenchmarks();
        benchmarks.Setup();
        try
        {
            Func<int>[] requests =
            [
                () => benchmarks.MicrosoftRequest().GetAwaiter().GetResult(),
                () => benchmarks.GrowthBookRequest().GetAwaiter().GetResult(),
                () => benchmarks.GrowthBookRequestFirstVisit().GetAwaiter().GetResult(),
                () => benchmarks.GrowthBookRequestPlainCookie().GetAwaiter().GetResult(),
                () => benchmarks.RequestWithoutFlags().GetAwaiter().GetResult(),
            ];
            Alternation.FastestBatches(3, RequestsPerBatch, requests); // tiered compilation settles
            var best = Alternation.FastestBatches(Batches, RequestsPerBatch, requests);
            string[] names = [nameof(benchmarks.MicrosoftRequest), nameof(benchmarks.GrowthBookRequest), nameof(benchmarks.GrowthBookRequestFirstVisit), nameof(benchmarks.GrowthBookRequestPlainCookie), nameof(benchmarks.RequestWithoutFlags)];
            for (var i = 0; i < names.Length; i++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{names[i],-32} {best[i] / 1000,8:F2} us   ratio to {names[0]} {best[i] / best[0],5:F2}"));
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }
}
