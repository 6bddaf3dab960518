using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--retained</c>: the memory a compiled scale payload keeps alive, measured as js-anchor.mjs measures the JS SDK:
/// the managed heap after a full, compacting collection with the payload alive, minus the heap before it was loaded.
/// Also, for a quick look without BenchmarkDotNet: the first load in the process (cold: it includes JIT compilation),
/// then, once warm, the best load and one-feature update of several, and the collections the best load took.
/// </summary>
internal static class RetainedMemory
{
    public static int Run(TextWriter output)
    {
        output.WriteLine(FormattableString.Invariant(
            $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {(GC.GetGCMemoryInfo().Concurrent ? "concurrent" : "non-concurrent")}; load average {LoadAverage()}"));
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
            var runs = count >= 50_000 ? 5 : 15;
            var (load, collections) = Best(runs, () => GrowthBookPayload.Parse(json));
            var options = new GrowthBookPayloadOptions { Previous = GrowthBookPayload.Parse(json) };
            var (update, _) = Best(runs, () => GrowthBookPayload.Parse(updated, options));
            var retained = Retained(json);
            output.WriteLine(FormattableString.Invariant(
                $"{count} features ({json.Length:N0} bytes): load best {load:F2} ms (collections gen0/1/2: {collections}), one-feature update best {update:F2} ms ({update / load:P1}), retained {retained / 1048576.0:F2} MB ({retained / count} B/feature)"));
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
