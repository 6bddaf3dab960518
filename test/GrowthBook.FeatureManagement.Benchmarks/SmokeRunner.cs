using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// <c>--smoke</c>: builds every benchmark class as BenchmarkDotNet would ([GlobalSetup], which throws when the
/// engine gives wrong answers), then invokes each [Benchmark] method a few times. A quick "does it still work"
/// check, not a measurement.
/// </summary>
internal static class SmokeRunner
{
    private const int Invocations = 2_048;

    public static int Run(Assembly assembly, TextWriter output)
    {
        var failures = 0;
        var types = assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && BenchmarkMethods(t).Any())
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in types)
        {
            try
            {
                var instance = Activator.CreateInstance(type)!;
                Invoke(type, instance, typeof(GlobalSetupAttribute));
                foreach (var method in BenchmarkMethods(type))
                {
                    var times = method.DeclaringType == typeof(PayloadBenchmarks) ? 3 : Invocations;
                    var stopwatch = Stopwatch.StartNew();
                    for (var i = 0; i < times; i++)
                    {
                        // An async benchmark's task is awaited, as BenchmarkDotNet does: its failures count.
                        (method.Invoke(instance, null) as Task)?.GetAwaiter().GetResult();
                    }

                    output.WriteLine($"ok    {type.Name}.{method.Name} ({times} calls, {stopwatch.Elapsed.TotalMilliseconds:F1} ms incl. reflection)");
                }

                Invoke(type, instance, typeof(GlobalCleanupAttribute));
            }
            catch (Exception e)
            {
                failures++;
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                output.WriteLine($"FAIL  {type.Name}: {inner.GetType().Name}: {inner.Message}");
            }
        }

        output.WriteLine(failures == 0 ? "Smoke run passed." : $"Smoke run failed: {failures} benchmark class(es).");
        return failures == 0 ? 0 : 1;
    }

    private static IEnumerable<MethodInfo> BenchmarkMethods(Type type)
        => type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsDefined(attribute)))
        {
            method.Invoke(instance, null);
        }
    }
}
