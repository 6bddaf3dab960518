using BenchmarkDotNet.Running;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// Entry point. Every BenchmarkDotNet switch works (<c>--filter</c>, <c>--job short|dry|medium</c>, <c>--list flat</c>, …).
/// <c>--smoke</c> skips BenchmarkDotNet: it runs every [GlobalSetup] (and so every sanity check) and calls each
/// benchmark method a few times in-process, in a couple of seconds, for CI. It measures nothing. <c>--delegation</c>
/// times configuration flags through Microsoft.FeatureManagement alone and delegated through GrowthBook, in alternation;
/// <c>--requests</c> the whole requests of <see cref="RequestBenchmarks"/>, in alternation.
/// <c>--retained</c> prints the memory each scale payload keeps alive (<see cref="RetainedMemory"/>).
/// <c>--versus DIR</c> times this build's benchmarks against another build's, interleaved in one process
/// (<see cref="BuildComparison"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--smoke", StringComparer.Ordinal))
        {
            return SmokeRunner.Run(typeof(Program).Assembly, Console.Out);
        }

        if (args.Contains("--retained", StringComparer.Ordinal))
        {
            return RetainedMemory.Run(Console.Out);
        }

        if (args.Contains("--delegation", StringComparer.Ordinal))
        {
            return DelegationComparison.Run(Console.Out);
        }

        if (args.Contains("--versus", StringComparer.Ordinal))
        {
            return BuildComparison.Run(args, Console.Out);
        }

        if (args.Contains("--requests", StringComparer.Ordinal))
        {
            return RequestComparison.Run(Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(WithDefaultArtifactsFolder(args));
        return 0;
    }

    // Results go next to this project (bin/Release/net10.0/../../..), not into whatever folder the command ran from.
    private static string[] WithDefaultArtifactsFolder(string[] args)
    {
        if (args.Contains("--artifacts", StringComparer.Ordinal))
        {
            return args;
        }

        var projectDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
        return File.Exists(Path.Combine(projectDirectory, "GrowthBook.FeatureManagement.Benchmarks.csproj"))
            ? [.. args, "--artifacts", Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts")]
            : args;
    }
}
