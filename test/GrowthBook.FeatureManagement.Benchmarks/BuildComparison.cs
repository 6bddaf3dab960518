using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--versus DIR</c>: this build's benchmarks against another build of this project (for example the commit a figure in
/// docs/performance.md was taken on), in one process and interleaved batch by batch, so that load from other work hits
/// both builds alike. Each build is loaded into its own <see cref="AssemblyLoadContext"/> with its own copies of Core,
/// the Adapter and their dependencies; each class's [GlobalSetup] runs in both, then every [Benchmark] method the two
/// builds share is timed in rounds, the builds' order alternating from round to round. Prints, per method, the median
/// and fastest batch of each build, their ratios (this / other) and the bytes each build allocates per call.
/// </summary>
/// <remarks>
/// <c>--class NAME</c> picks the benchmark classes (default: <c>EvaluationBenchmarks</c> and
/// <c>FeatureManagementBenchmarks</c>, each where both builds have it); <c>--method NAME</c> picks methods (default: every one both builds have); <c>--rounds N</c> sets the rounds
/// (default 300).
/// Build the other side from its commit with
/// <c>git archive COMMIT | tar -x -C DIR/src &amp;&amp; dotnet build DIR/src/test/GrowthBook.FeatureManagement.Benchmarks -c Release -f net10.0 -o DIR/bin</c>.
/// </remarks>
internal static class BuildComparison
{
    private const string AssemblyFile = "GrowthBook.FeatureManagement.Benchmarks.dll";
    private const string Namespace = "GrowthBook.FeatureManagement.Benchmarks.";
    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(500);

    public static int Run(string[] args, TextWriter output)
    {
        var otherDirectory = Path.GetFullPath(Value(args, "--versus") ?? throw new ArgumentException("--versus needs a folder."));
        var rounds = int.Parse(Value(args, "--rounds") ?? "300", CultureInfo.InvariantCulture);
        var classes = Values(args, "--class");
        if (classes.Count == 0)
        {
            classes = [nameof(EvaluationBenchmarks), nameof(FeatureManagementBenchmarks)];
        }

        var only = Values(args, "--method");
        var thisBuild = Load("this", AppContext.BaseDirectory);
        var otherBuild = Load("other", otherDirectory);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load average {File.ReadAllText("/proc/loadavg").Trim()}, {rounds} rounds"));
        output.WriteLine($"this:  {AppContext.BaseDirectory}");
        output.WriteLine($"other: {otherDirectory}");

        foreach (var name in classes)
        {
            var thisType = thisBuild.GetType(Namespace + name);
            var otherType = otherBuild.GetType(Namespace + name);
            if (thisType is null || otherType is null)
            {
                output.WriteLine($"{name}: not in {(thisType is null ? "this" : "the other")} build, skipped.");
                continue;
            }

            Compare(thisType, otherType, rounds, only, output);
        }

        return 0;
    }

    private static void Compare(Type thisType, Type otherType, int rounds, List<string> only, TextWriter output)
    {
        var thisSide = new Side(thisType);
        var otherSide = new Side(otherType);
        var methods = thisSide.Timers.Keys.Where(otherSide.Timers.ContainsKey).Where(m => only.Count == 0 || only.Contains(m)).ToList();
        var thisTimes = methods.ToDictionary(m => m, _ => new List<double>());
        var otherTimes = methods.ToDictionary(m => m, _ => new List<double>());
        var batches = new Dictionary<string, int>();
        foreach (var method in methods)
        {
            batches[method] = CallsPerBatch(thisSide.Timers[method]);
            WarmUpCalls(otherSide.Timers[method]);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var method in methods)
            {
                var calls = batches[method];
                if (round % 2 == 0)
                {
                    thisTimes[method].Add(thisSide.Timers[method](calls));
                    otherTimes[method].Add(otherSide.Timers[method](calls));
                }
                else
                {
                    otherTimes[method].Add(otherSide.Timers[method](calls));
                    thisTimes[method].Add(thisSide.Timers[method](calls));
                }
            }
        }

        foreach (var method in methods)
        {
            thisSide.MeasureAllocation(method, batches[method]);
            otherSide.MeasureAllocation(method, batches[method]);
        }

        thisSide.Cleanup();
        otherSide.Cleanup();

        output.WriteLine();
        output.WriteLine($"{thisType.Name} (ns per call)");
        output.WriteLine("| method | other median | other min | this median | this min | median this/other | min this/other | other B/call | this B/call |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var method in methods)
        {
            var (thisMedian, thisMin) = (Median(thisTimes[method]), thisTimes[method].Min());
            var (otherMedian, otherMin) = (Median(otherTimes[method]), otherTimes[method].Min());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {method} | {otherMedian:F1} | {otherMin:F1} | {thisMedian:F1} | {thisMin:F1} | {thisMedian / otherMedian:P1} | {thisMin / otherMin:P1} | {otherSide.Allocated[method]:F0} | {thisSide.Allocated[method]:F0} |"));
        }
    }

    // Calls per batch so that a batch takes about BatchTarget, found by doubling (a 70 ms payload load and a 15 ns flag
    // check alike), once the method has run for WarmUp.
    private static int CallsPerBatch(Func<int, double> timer)
    {
        WarmUpCalls(timer);
        var calls = 1;
        double nanoseconds;
        while ((nanoseconds = timer(calls)) * calls < BatchTarget.TotalNanoseconds && calls < 1 << 24)
        {
            calls *= 2;
        }

        return Math.Max(1, (int)(BatchTarget.TotalNanoseconds / nanoseconds));
    }

    private static void WarmUpCalls(Func<int, double> timer)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < WarmUp)
        {
            timer(1);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static Assembly Load(string name, string directory)
    {
        var path = Path.Combine(directory, AssemblyFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No {AssemblyFile} in {directory}: build the benchmarks there first.", path);
        }

        return new BuildContext(name, path).LoadFromAssemblyPath(path);
    }

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static List<string> Values(string[] args, string name) =>
        [.. args.Select((arg, index) => (arg, index))
            .Where(pair => pair.arg == name && pair.index + 1 < args.Length)
            .Select(pair => args[pair.index + 1])];

    /// <summary>Times <paramref name="call"/> over a batch; the result is kept so the call cannot be dropped.</summary>
    private static Func<int, double> Timer<T>(Func<T> call) => calls =>
    {
        var last = default(T);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            last = call();
        }

        var elapsed = watch.Elapsed.TotalNanoseconds / calls;
        GC.KeepAlive(last);
        return elapsed;
    };

    /// <summary>One build's instance of a benchmark class, set up, with a timer per [Benchmark] method.</summary>
    private sealed class Side
    {
        private static readonly MethodInfo TimerDefinition =
            typeof(BuildComparison).GetMethod(nameof(Timer), BindingFlags.NonPublic | BindingFlags.Static)!;

        private readonly object _instance;
        private readonly MethodInfo? _cleanup;

        public Side(Type type)
        {
            _instance = Activator.CreateInstance(type)!;
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            Marked(methods, "GlobalSetupAttribute")?.Invoke(_instance, null);
            _cleanup = Marked(methods, "GlobalCleanupAttribute");
            foreach (var method in methods.Where(m => Has(m, "BenchmarkAttribute") && m.GetParameters().Length == 0))
            {
                var call = method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), _instance);
                Timers[method.Name] = (Func<int, double>)TimerDefinition.MakeGenericMethod(method.ReturnType).Invoke(null, [call])!;
            }
        }

        public Dictionary<string, Func<int, double>> Timers { get; } = new(StringComparer.Ordinal);

        /// <summary>Bytes allocated per call, by method (after <see cref="MeasureAllocation"/>).</summary>
        public Dictionary<string, double> Allocated { get; } = new(StringComparer.Ordinal);

        public void MeasureAllocation(string method, int calls)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Timers[method](calls);
            Allocated[method] = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
        }

        public void Cleanup() => _cleanup?.Invoke(_instance, null);

        private static MethodInfo? Marked(MethodInfo[] methods, string attribute) => methods.FirstOrDefault(m => Has(m, attribute));

        // By name: each build has its own copy of BenchmarkDotNet's attribute types.
        private static bool Has(MethodInfo method, string attribute) =>
            method.GetCustomAttributesData().Any(a => a.AttributeType.Name == attribute);
    }

    /// <summary>Resolves a build's assemblies from its own folder (and the shared framework from the default context).</summary>
    private sealed class BuildContext(string name, string mainAssembly) : AssemblyLoadContext(name)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
