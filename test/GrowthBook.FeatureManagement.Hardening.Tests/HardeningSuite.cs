using System.Diagnostics;
using GrowthBook.FeatureManagement.Hardening.Support;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening;

/// <summary>
/// Wraps the whole Hardening category: starts capturing telemetry before the first scenario, and after the last one
/// prints the summary table (TestContext.Progress) and writes it to <c>artifacts/hardening-summary.md</c>.
/// </summary>
[SetUpFixture]
public sealed class HardeningSuite
{
    private readonly Stopwatch _watch = new();

    [OneTimeSetUp]
    public void Start()
    {
        CapturedOutput.StartListening();
        _watch.Start();
    }

    [OneTimeTearDown]
    public void PrintSummary()
    {
        _watch.Stop();
        CapturedOutput.StopListening();
        var leaks = CapturedOutput.FindLeaks();
        Summary.Record("Secrets: final scan of all captured output", CapturedOutput.Count, leaks.Count, $"{CapturedOutput.Activities:N0} activities scanned; {CapturedOutput.PlatformUrlTagsWithSecrets:N0} HttpClient url.full tags hold the key (.NET's own, see docs)", TimeSpan.Zero);
        var table = Summary.ToMarkdown(_watch.Elapsed);
        TestContext.Progress.WriteLine("\nHardening summary\n\n" + table);
        var path = Path.Combine(RepositoryRoot(), "artifacts", "hardening-summary.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "# Hardening summary\n\n" + table);
        TestContext.Progress.WriteLine("Written to " + path);
        Assert.That(leaks, Is.Empty, "a secret appeared in captured output");
    }

    // The folder holding the solution file (artifacts/ is beside it); the output folder when run from elsewhere.
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GrowthBook.FeatureManagement.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
