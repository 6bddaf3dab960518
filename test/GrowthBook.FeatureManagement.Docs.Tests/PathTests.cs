using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>Every repository path README.md and docs/ name in code spans exists (<see cref="NamedPaths"/> says what counts as a path).</summary>
[TestFixture]
public sealed class PathTests
{
    /// <summary>One case per document.</summary>
    public static IEnumerable<TestCaseData> Documents()
        => RepositoryFiles.Documents().Select(file => new TestCaseData(file).SetName($"NamedPathsExist({file})"));

    [TestCaseSource(nameof(Documents))]
    public void NamedPathsExist(string file)
    {
        var missing = MarkdownFile.Load(file).CodeSpans
            .Where(span => NamedPaths.IsPath(span.Text) && !NamedPaths.Exists(file, span.Text))
            .Select(span => $"{file}:{span.Line}: `{span.Text}`")
            .ToList();

        Assert.That(missing, Is.Empty, () => string.Join(Environment.NewLine, missing));
    }

    [TestCase("src/GrowthBook.FeatureManagement.Core")]
    [TestCase("src/GrowthBook.FeatureManagement.Core/Client/PayloadStore.cs")]
    [TestCase("test/…Core.Tests/Spec/")]
    [TestCase("Client/PayloadStore.cs")]
    [TestCase("Conditions/")]
    [TestCase("JavaScript/Url/")]
    [TestCase("test/…/Spec/cases.json")]
    [TestCase("docs/")]
    [TestCase("../README.md")]
    [TestCase("artifacts/hardening-summary.md")]
    public void ExistingPathsAndBuildOutputsPass(string path)
        => Assert.That(NamedPaths.IsPath(path) && NamedPaths.Exists("docs/architecture.md", path), Is.True);

    [TestCase("src/GrowthBook.FeatureManagement.Core/Client/NoSuchFile.cs")]
    [TestCase("Client/NoSuchFile.cs")]
    [TestCase("Evaluation/PayloadStore.cs")]
    [TestCase("NoSuchFolder/")]
    [TestCase("test/…Core.Tests/NoSuchFolder/")]
    [TestCase("src/Core/Client/PayloadStore.cs")]
    [TestCase("ore/Client/PayloadStore.cs")]
    public void AMissingPathIsFound(string path)
        => Assert.That(NamedPaths.IsPath(path) && !NamedPaths.Exists("docs/architecture.md", path), Is.True);

    [TestCase("GrowthBookClient.EvalFeatureAsync")]
    [TestCase("https://cdn.growthbook.io")]
    [TestCase("/api/features/{clientKey}")]
    [TestCase("{ApiHost}/api/features/{ClientKey}")]
    [TestCase("application/json")]
    [TestCase("@growthbook/growthbook")]
    [TestCase("text/event-stream")]
    [TestCase("LinksResolve(docs/x.md)")]
    [TestCase("JavaScript/Unicode/*.txt")]
    [TestCase("x-sse-support: enabled")]
    public void OtherSpansAreNotPaths(string span)
        => Assert.That(NamedPaths.IsPath(span), Is.False);
}
