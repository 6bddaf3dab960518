namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--delegation</c>: configuration flags through Microsoft.FeatureManagement alone and delegated through GrowthBook's
/// manager, timed in alternation in one process (A, B, A, B, …; the fastest batch of each kept, after an unreported warm-up pass), so that load from
/// other work hits both sides alike. On a shared machine this resolves a 10 % difference that separate
/// BenchmarkDotNet runs of the two cannot. A measurement aid, not a benchmark: no allocation figures, no statistics.
/// </summary>
internal static class DelegationComparison
{
    private const int Batches = 40;
    private const int CallsPerBatch = 5_000;

    public static int Run(TextWriter output)
    {
        var benchmarks = new FeatureManagementBenchmarks();
        benchmarks.Setup();
        try
        {
            // The first pass lets tiered compilation settle (it reaches optimised code only after some calls and a delay).
            for (var pass = 0; pass < 2; pass++)
            {
                var writer = pass == 0 ? TextWriter.Null : output;
                Compare(writer, "plain flag", () => benchmarks.FmPlain(), () => benchmarks.DelegatedPlain());
                Compare(writer, "Microsoft.Percentage", () => benchmarks.FmPercentage(), () => benchmarks.DelegatedPercentage());
                Compare(writer, "percentile variant", () => benchmarks.FmVariantPercentile(), () => benchmarks.DelegatedVariantPercentile());
            }
        }
        finally
        {
            benchmarks.Cleanup();
        }

        return 0;
    }

    private static void Compare<T>(TextWriter output, string name, Func<T> alone, Func<T> delegated)
    {
        var best = Alternation.FastestBatches(Batches, CallsPerBatch, alone, delegated);
        output.WriteLine(FormattableString.Invariant($"{name,-22} FM alone {best[0],8:F1} ns   delegated {best[1],8:F1} ns   ratio {best[1] / best[0]:F2}"));
    }
}
