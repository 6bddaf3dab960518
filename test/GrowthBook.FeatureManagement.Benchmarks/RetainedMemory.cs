using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--retained</c>: the memory a compiled scale payload keeps alive, measured as js-anchor.mjs measures the JS SDK:
/// the managed heap after a full, compacting collection with the payload alive, minus the heap before it was loaded.
/// Also, for a quick look without BenchmarkDotNet: the first load in the process (cold: it includes JIT compilation),
/// then, once warm, the best of five loads (as js-anchor.mjs takes the JS SDK's) and the collections it took, the mean
/// load over about two seconds of loading again and again (collections included: what a process that keeps loading
/// pays), and the best one-feature update. <c>scale-steady.mjs</c> (beside this file) takes the JS SDK's mean the same way.
/// </summary>
internal static class RetainedMemory
{
    public static int Run(TextWriter output)
    {
        output.WriteLine(FormattableString.Invariant(
            $"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}; load average {LoadAverage()}"));
        var cold = Stopwatch.StartNew();
        GrowthBookPayload.Parse(ScalePayloadGenerator.Generate(1_000));
        output.WriteLine(FormattableString.Invariant($"First load in the process (1,000 features, cold): {cold.Elapsed.TotalMilliseconds:F2} ms"));

        // Warm up until tiered compilation has settled (BenchmarkDotNet does the same before measuring).
        var warm = ScalePayloadGenerator.Generate(1_000);
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(3);)
        {
            GrowthBookPayload.Parse(warm);
        }

        foreach (var count in new[] { 1_000, 10_000, 50_000 })
        {
            var json = ScalePayloadGenerator.Generate(count);
            var updated = ScalePayloadGenerator.WithOneFeatureChanged(count);
            var (load, collections) = Best(5, () => GrowthBookPayload.Parse(json));
            var mean = Mean(() => GrowthBookPayload.Parse(json));
            var options = new GrowthBookPayloadOptions { Previous = GrowthBookPayload.Parse(json) };
            var (update, _) = Best(15, () => GrowthBookPayload.Parse(updated, options));
            var retained = Retained(json);
            output.WriteLine(FormattableString.Invariant(
                $"{count} features ({json.Length:N0} bytes): load best of 5 {load:F2} ms (collections gen0/1/2: {collections}), mean {mean:F2} ms; one-feature update best {update:F2} ms ({update / load:P1}); retained {retained / 1048576.0:F2} MB ({retained / count} B/feature)"));
        }

        return 0;
    }

    private static (double Milliseconds, string Collections) Best(int runs, Func<GrowthBookPayload> load)
    {
        var best = double.MaxValue;
        var collections = "";
        for (var i = 0; i < runs; i++)
        {
            var before = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var watch = Stopwatch.StartNew();
            load();
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (elapsed < best)
            {
                best = elapsed;
                collections = $"{GC.CollectionCount(0) - before.Item1}/{GC.CollectionCount(1) - before.Item2}/{GC.CollectionCount(2) - before.Item3}";
            }
        }

        return (best, collections);
    }

    private static double Mean(Func<GrowthBookPayload> load)
    {
        var count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2) || count < 3)
        {
            load();
            count++;
        }

        return watch.Elapsed.TotalMilliseconds / count;
    }

    // In a method of its own, so that no earlier payload is still referenced from this frame when the heap is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Retained(byte[] json)
    {
        var before = FullCollection();
        var payload = GrowthBookPayload.Parse(json);
        var retained = FullCollection() - before;
        GC.KeepAlive(payload);
        return retained;
    }

    private static long FullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
