namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--retained</c>: the memory a compiled scale payload keeps alive, measured as js-anchor.mjs measures the JS SDK:
/// the managed heap after a full, compacting collection with the payload alive, minus the heap before it was loaded.
/// Also the best load time of five (after warm-up), for a quick look without BenchmarkDotNet.
/// </summary>
internal static class RetainedMemory
{
    public static int Run(TextWriter output)
    {
        foreach (var count in new[] { 1_000, 10_000, 50_000 })
        {
            var json = ScalePayloadGenerator.Generate(count);
            for (var i = 0; i < 3; i++)
            {
                GrowthBookPayload.Parse(json);
            }

            var best = double.MaxValue;
            for (var i = 0; i < 5; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                GrowthBookPayload.Parse(json);
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }

            var before = FullCollection();
            var payload = GrowthBookPayload.Parse(json);
            var retained = FullCollection() - before;
            GC.KeepAlive(payload);
            output.WriteLine(FormattableString.Invariant(
                $"{count} features ({json.Length:N0} bytes): Parse best {best:F2} ms, retained {retained / 1048576.0:F2} MB ({retained / count} B/feature)"));
        }

        return 0;
    }

    private static long FullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
