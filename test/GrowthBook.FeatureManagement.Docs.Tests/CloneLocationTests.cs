using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>
/// The repository works wherever it is cloned: a copy of its files under a folder named <c>src</c>, with a space and
/// non-ASCII characters in the path, classifies every project as the original does, restores, and runs the README's
/// spec-only command with no Redis running.
/// </summary>
[TestFixture]
[Category("Repository")]
[NonParallelizable]
public sealed class CloneLocationTests
{
    private string _tempRoot = null!;
    private string _clone = null!;

    [OneTimeSetUp]
    public void CopyRepository()
    {
        _tempRoot = Path.Combine(Path.GetTempPath(), "gb-clone-" + Guid.NewGuid().ToString("N")[..8]);
        _clone = Path.Combine(_tempRoot, "src", "naïve dir ü", "growthbook");
        foreach (var relative in RepositoryTrackedFiles())
        {
            var target = Path.Combine(_clone, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryFiles.Root, relative), target);
        }
    }

    [OneTimeTearDown]
    public void DeleteCopy()
    {
        if (Directory.Exists(_tempRoot))
        {
            Directory.Delete(_tempRoot, recursive: true);
        }
    }

    [Test]
    public async Task EveryProject_IsClassifiedByItsPlaceInTheRepository_NotByTheFoldersAboveIt()
    {
        var projects = SolutionProjects();
        Assert.That(projects, Has.Some.StartsWith("src/").And.Some.StartsWith("test/"), "the solution lists src and test projects");
        foreach (var project in projects)
        {
            var properties = await EvaluateAsync(project);
            var shipping = project.StartsWith("src/", StringComparison.Ordinal);
            TestContext.Out.WriteLine($"{project}: IsSourceProject={properties.IsSource}, TargetFramework(s)={properties.Frameworks}");
            Assert.Multiple(() =>
            {
                Assert.That(properties.IsSource, Is.EqualTo(shipping ? "true" : ""), project);
                Assert.That(properties.Frameworks, Is.EqualTo(shipping ? "net8.0;net10.0" : "net10.0"), project);
            });
        }
    }

    [Test]
    public async Task TheSpecOnlyCommand_PassesThere_WithoutRedis()
    {
        var restore = await RunAsync("restore", "GrowthBook.FeatureManagement.sln");
        Assert.That(restore.ExitCode, Is.Zero, restore.Output);

        // The README's spec-only command, on the project that holds the spec suite (the other projects have no Spec tests).
        var test = await RunAsync("test", "test/GrowthBook.FeatureManagement.Core.Tests", "-c", "Release", "--filter", "Category=Spec");
        Assert.That(test.ExitCode, Is.Zero, test.Output);
        Assert.That(test.Output, Does.Match(@"Passed!\s+- Failed:\s+0, Passed:\s+[1-9]"));
    }

    private async Task<(string IsSource, string Frameworks)> EvaluateAsync(string project)
    {
        var result = await RunAsync("msbuild", project, "-getProperty:IsSourceProject", "-getProperty:TargetFramework", "-getProperty:TargetFrameworks");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var json = result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var document = JsonDocument.Parse(json);
        var properties = document.RootElement.GetProperty("Properties");
        var frameworks = properties.GetProperty("TargetFrameworks").GetString();
        return (properties.GetProperty("IsSourceProject").GetString() ?? "",
            string.IsNullOrEmpty(frameworks) ? properties.GetProperty("TargetFramework").GetString() ?? "" : frameworks);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-nodeReuse:false");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("GROWTHBOOK_TEST_REDIS"); // as on a machine without Redis
        start.Environment.Remove("GROWTHBOOK_SKIP_REDIS_TESTS");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && k != "MSBUILDDISABLENODEREUSE").ToList())
        {
            start.Environment.Remove(name); // the outer `dotnet test`'s MSBuild settings must not leak into the inner build
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    private static List<string> SolutionProjects()
        => File.ReadLines(Path.Combine(RepositoryFiles.Root, "GrowthBook.FeatureManagement.sln"))
            .Where(line => line.StartsWith("Project(", StringComparison.Ordinal))
            .Select(line => line.Split(',')[1].Trim().Trim('"').Replace('\\', '/'))
            .Where(path => path.EndsWith(".csproj", StringComparison.Ordinal))
            .ToList();

    // The files a clone would have: tracked, plus new ones not ignored (a change under test is covered before it is committed).
    private static IEnumerable<string> RepositoryTrackedFiles()
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryFiles.Root, RedirectStandardOutput = true };
        foreach (var argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var list = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, "git ls-files failed: the repository tests need a git checkout");
        return list.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(path => File.Exists(Path.Combine(RepositoryFiles.Root, path))); // deleted but not yet committed
    }
}
