using System.Diagnostics;
using GrowthBook.FeatureManagement.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Packaging.Tests;

/// <summary>
/// The packages' compatibility promise, shown: the five packages are packed from a copy of src/ (version 1.0.0-compat),
/// Core is packed again one patch newer (1.0.1-compat) from the same source, and a small app built against the packed
/// Adapter and AspNetCore packages with the newer Core (from a local folder feed) answers exactly as the same app on the
/// repository's projects. The packages meet only at public API, so upgrading Core alone cannot fail with
/// MissingMethodException; their nuspecs state the range they accept.
/// </summary>
[TestFixture]
public sealed class PackedPackagesTests
{
    private const string Version = "1.0.0-compat";
    private const string CoreVersion = "1.0.1-compat";
    private static readonly string[] Packages = ["Core", "Adapter", "AspNetCore", "StackExchangeRedis", "Testing"];

    private string _work = "";

    [SetUp]
    public void CreateWorkFolder()
    {
        _work = Path.Combine(Path.GetTempPath(), "gb-packaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_work);
    }

    [TearDown]
    public void DeleteWorkFolder() => Directory.Delete(_work, recursive: true);

    [Test]
    [CancelAfter(900_000)]
    public async Task AnAppOnThePackedAdapterAndAspNetCore_WithCoreOnePatchNewer_AnswersTheSame(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var root = RepositoryRoot();
        var source = Path.Combine(_work, "source");
        var feed = Path.Combine(_work, "feed");
        CopySources(root, source);

        // Only net10.0, to keep CI time down; the ranges and the assemblies are what is tested. Warnings are the real
        // build's business, not this one's.
        string[] common = ["-c", "Release", "-o", feed, "-p:TargetFrameworks=net10.0", "-p:TreatWarningsAsErrors=false", "-p:IncludeSymbols=false", "-p:ContinuousIntegrationBuild=false"];
        await RunAsync(source, cancellationToken, ["new", "sln", "-n", "Packages", "--format", "sln"]);
        await RunAsync(source, cancellationToken, ["sln", "Packages.sln", "add", .. Packages.Select(p => $"src/GrowthBook.FeatureManagement.{p}/GrowthBook.FeatureManagement.{p}.csproj")]);
        await RunAsync(source, cancellationToken, ["pack", "Packages.sln", .. common, "-p:Version=" + Version]);
        await RunAsync(source, cancellationToken, ["pack", "src/GrowthBook.FeatureManagement.Core/GrowthBook.FeatureManagement.Core.csproj", .. common, "-p:Version=" + CoreVersion]);
        var packed = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order().ToList();
        TestContext.Progress.WriteLine($"packed in {watch.Elapsed.TotalSeconds:0} s: {string.Join(", ", packed)}");
        Assert.That(packed, Is.SupersetOf(Packages.Select(p => $"GrowthBook.FeatureManagement.{p}.{Version}.nupkg").Append($"GrowthBook.FeatureManagement.Core.{CoreVersion}.nupkg")));
        Assert.That(Dependencies(Path.Combine(feed, $"GrowthBook.FeatureManagement.AspNetCore.{Version}.nupkg")), Does.Contain($"GrowthBook.FeatureManagement.Adapter [{Version}, 2.0.0)"));
        Assert.That(Dependencies(Path.Combine(feed, $"GrowthBook.FeatureManagement.Adapter.{Version}.nupkg")), Does.Contain($"GrowthBook.FeatureManagement.Core [{Version}, 2.0.0)"));
        Assert.That(Dependencies(Path.Combine(feed, $"GrowthBook.FeatureManagement.Testing.{Version}.nupkg")), Does.Contain($"GrowthBook.FeatureManagement.Core [{Version}, 2.0.0)"));

        var app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        var appSources = Path.Combine(root, "test", "GrowthBook.FeatureManagement.Packaging.Tests", "CompatApp");
        File.Copy(Path.Combine(appSources, "Program.cs"), Path.Combine(app, "Program.cs"));
        File.Copy(Path.Combine(appSources, "CompatAnswers.cs"), Path.Combine(app, "CompatAnswers.cs"));
        File.WriteAllText(Path.Combine(app, "CompatApp.csproj"), File.ReadAllText(Path.Combine(appSources, "CompatApp.csproj.template"))
            .Replace("$PACKAGES$", Path.Combine(_work, "packages"), StringComparison.Ordinal)
            .Replace("$FALLBACK$", GlobalPackagesFolder(), StringComparison.Ordinal)
            .Replace("$VERSION$", Version, StringComparison.Ordinal)
            .Replace("$CORE_VERSION$", CoreVersion, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync(app, cancellationToken, ["build", "-c", "Release", "-o", Path.Combine(app, "out")]);
        var payload = Path.Combine(_work, "features.json");
        File.WriteAllText(payload, TestPayloads.Main);

        var output = await RunAsync(app, cancellationToken, [Path.Combine(app, "out", "CompatApp.dll"), payload]);
        var expected = await CompatAnswers.RunAsync(TestPayloads.Main);
        var firstLine = output[..output.IndexOf('\n', StringComparison.Ordinal)];
        TestContext.Progress.WriteLine($"the app loaded {firstLine}; {expected.Split('\n').Length} answer lines compared; {watch.Elapsed.TotalSeconds:0} s in all");
        Assert.Multiple(() =>
        {
            Assert.That(firstLine, Does.Contain("GrowthBook.FeatureManagement.Core=1.0.1.0"), "the newer Core was loaded");
            Assert.That(firstLine, Does.Contain("GrowthBook.FeatureManagement.Adapter=1.0.0.0").And.Contain("GrowthBook.FeatureManagement.AspNetCore=1.0.0.0"));
            Assert.That(expected, Does.Contain("user-3 /gated 200").And.Contain("user-1 /gated 404"), "the answers differ between users");
            Assert.That(output[(firstLine.Length + 1)..], Is.EqualTo(expected));
        });
    }

    // The sources the packages are built from, and what Directory.Build.props packs with them.
    private static void CopySources(string root, string target)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "README.md", "LICENSE", ".editorconfig" })
        {
            if (File.Exists(Path.Combine(root, file)))
            {
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(root, file), Path.Combine(target, file));
            }
        }

        foreach (var project in Packages.Select(p => "GrowthBook.FeatureManagement." + p))
        {
            var from = Path.Combine(root, "src", project);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
                {
                    continue;
                }

                var to = Path.Combine(target, "src", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
        }
    }

    private static string Dependencies(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        return string.Join("\n", nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => e.Attribute("id")!.Value + " " + e.Attribute("version")!.Value));
    }

    private static string GlobalPackagesFolder()
        => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static async Task<string> RunAsync(string directory, CancellationToken cancellationToken, string[] arguments)
    {
        var run = await ChildProcess.RunAsync("dotnet", arguments, directory, cancellationToken);
        Assert.That(run.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)} failed:\n{run.Stdout}\n{run.Stderr}");
        return run.Stdout;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GrowthBook.FeatureManagement.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (GrowthBook.FeatureManagement.sln) is not above " + AppContext.BaseDirectory);
    }
}
