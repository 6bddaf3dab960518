using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using GrowthBook.FeatureManagement.Packaging.Tests;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Aot.Tests;

/// <summary>
/// Core under Native AOT (docs/native-aot.md): test/GrowthBook.FeatureManagement.AotCheck, which evaluates every feature
/// of two bundled payloads for a few users through the client and through scopes, is published with
/// <c>PublishAot=true</c> for linux-x64; the publish must report no trim or AOT warning, and the native binary must
/// print exactly the JIT build's lines (the JIT build runs with reflection-based JSON off too: PublishAot writes that into
/// its runtimeconfig, so both refuse the reflection-based reader alike).
/// </summary>
[TestFixture]
[Category("Aot")]
public sealed class NativeAotTests
{
    private const string App = "GrowthBook.FeatureManagement.AotCheck";

    private string _work = "";
    private ChildProcess.Result _publish = null!;
    private ChildProcess.Result _native = null!;
    private ChildProcess.Result _jit = null!;

    [OneTimeSetUp]
    public async Task PublishAndRunBoth()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            Assert.Ignore($"The Native AOT check publishes for linux-x64; this is {RuntimeInformation.RuntimeIdentifier}.");
        }

        RequireNativeToolchain();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var directory = ProjectDirectory();
        var project = Path.Combine(directory, App + ".csproj");
        var configuration = typeof(NativeAotTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        _work = Path.Combine(Path.GetTempPath(), "gb-aot-" + Guid.NewGuid().ToString("N"));
        var native = Path.Combine(_work, "native");

        var watch = Stopwatch.StartNew();
        // The native compiler's own folder is new each time, so it compiles (and reports its warnings) on every run rather
        // than finding its output of an earlier publish up to date.
        var ilc = Path.Combine(_work, "ilc") + Path.DirectorySeparatorChar;
        _publish = await ChildProcess.RunAsync("dotnet", ["publish", project, "-c", configuration, "-r", "linux-x64", "-o", native, "-p:NativeIntermediateOutputPath=" + ilc], null, timeout.Token);
        TestContext.Progress.WriteLine($"published with Native AOT in {watch.Elapsed.TotalSeconds:0} s");
        Assert.That(_publish.ExitCode, Is.Zero, $"dotnet publish failed (Native AOT needs clang and zlib1g-dev):\n{_publish.Stdout}\n{_publish.Stderr}");

        _native = await ChildProcess.RunAsync(Path.Combine(native, App), [], null, timeout.Token);
        _jit = await ChildProcess.RunAsync("dotnet", [Path.Combine(directory, "bin", configuration, "net10.0", App + ".dll")], null, timeout.Token);
        Assert.That(_native.ExitCode, Is.Zero, "native binary: " + _native.Stderr);
        Assert.That(_jit.ExitCode, Is.Zero, "JIT build: " + _jit.Stderr);
    }

    [OneTimeTearDown]
    public void DeleteWorkFolder()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public void ThePublish_ReportsNoTrimOrAotWarning()
    {
        // TrimmerSingleWarn=false in the app: each warning on its own line, Core's and the app's alike.
        var warnings = _publish.Stdout.Split('\n').Where(line => Regex.IsMatch(line, @"\bwarning [A-Z]+[0-9]+")).ToList();
        Assert.That(_publish.Stdout, Does.Contain("Generating native code"), "the native compiler ran in this publish");
        Assert.That(warnings, Is.Empty, string.Join("\n", warnings));
    }

    [Test]
    public void TheNativeBinary_RunsWithoutJit_AndAnswersAsTheJitBuild()
    {
        var lines = _native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var answers = parsed.Where(line => line.TryGetProperty("feature", out _)).ToList();
        var refusal = parsed.Single(line => line.TryGetProperty("check", out _));
        Assert.Multiple(() =>
        {
            Assert.That(_native.Stderr, Does.Contain("methods compiled at run time: 0\n"), "the native binary ran compiled ahead of time");
            Assert.That(_jit.Stderr, Does.Match(@"methods compiled at run time: [1-9]\d*\n"), "the JIT build ran on the JIT");
            Assert.That(_native.Stdout, Is.EqualTo(_jit.Stdout), "the native binary's answers are the JIT build's");
            Assert.That(_native.Stderr, Does.Contain($"lines: {lines.Length}\n"));

            // Non-trivial: both payloads, every user, and rules of each kind taken.
            Assert.That(lines, Has.Length.GreaterThan(2000));
            Assert.That(answers.Select(a => a.GetProperty("payload").GetString()).Distinct(), Is.EquivalentTo(new[] { "anchor", "generated" }));
            Assert.That(answers.Select(a => a.GetProperty("user").GetString()).Distinct().Count(), Is.EqualTo(7));
            Assert.That(answers.Select(a => a.GetProperty("source").GetString()).Distinct(), Is.SupersetOf(new[] { "DefaultValue", "Force", "Experiment", "Prerequisite" }));
            Assert.That(refusal.ToString(), Is.EqualTo("""{"check":"reflection refused","getValue":"InvalidOperationException","attribute":"ArgumentException"}"""),
                "with reflection off, the reflection-based reader and an attribute of the caller's own type are refused, not answered with a fallback");
            Assert.That(answers.Count(a => a.TryGetProperty("asBanner", out var banner) && banner.GetProperty("maxItems").GetInt32() > 0), Is.GreaterThan(0),
                "object values read through a source-generated JsonTypeInfo");
        });
    }

    private static void RequireNativeToolchain()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        if (!path.Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "clang"))))
        {
            Assert.Fail("Native AOT needs clang, which is not on PATH: install it (apt-get install -y clang zlib1g-dev; .ci/run does).");
        }

        string[] libraries = ["/usr/lib/x86_64-linux-gnu/libz.so", "/usr/lib64/libz.so", "/usr/lib/libz.so", "/lib/x86_64-linux-gnu/libz.so"];
        if (!libraries.Any(File.Exists))
        {
            Assert.Fail("Native AOT links zlib, and libz.so was not found: install zlib1g-dev (apt-get install -y clang zlib1g-dev; .ci/run does).");
        }
    }

    // Where the app's project is, as this assembly was built (the test runs from the clone it was built in).
    private static string ProjectDirectory()
        => typeof(NativeAotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AotCheckDirectory").Value!;
}
