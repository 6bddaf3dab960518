using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>Every relative link in README.md and docs/ points at a file or folder that exists (and at a heading that exists, for <c>#anchors</c> into Markdown).</summary>
[TestFixture]
public sealed class LinkTests
{
    /// <summary>One case per document.</summary>
    public static IEnumerable<TestCaseData> Documents()
        => RepositoryFiles.Documents().Select(file => new TestCaseData(file).SetName($"LinksResolve({file})"));

    [TestCaseSource(nameof(Documents))]
    public void LinksResolve(string file)
    {
        var markdown = MarkdownFile.Load(file);
        var broken = markdown.Links
            .Where(link => link.IsRelative)
            .Select(link => (link, problem: LinkChecker.Problem(markdown, link)))
            .Where(x => x.problem is not null)
            .Select(x => $"{x.link}: {x.problem}")
            .ToList();

        Assert.That(broken, Is.Empty, () => string.Join(Environment.NewLine, broken));
    }

    [Test]
    public void TheIndexLinksEveryPage()
    {
        var linked = MarkdownFile.Load("docs/README.md").Links
            .Where(l => l.IsRelative)
            .Select(l => l.Target.Split('#')[0])
            .ToHashSet(StringComparer.Ordinal);
        var pages = RepositoryFiles.Documents()
            .Where(f => f.StartsWith("docs/", StringComparison.Ordinal) && f != "docs/README.md")
            .Select(f => f["docs/".Length..]);

        Assert.That(pages.Where(p => !linked.Contains(p)), Is.Empty, "pages missing from docs/README.md");
    }

    [Test]
    public void ABrokenLinkOrAnchorIsFound()
    {
        var file = MarkdownFile.Parse("docs/example.md", """
            # Title
            [ok](client.md) [ok too](../README.md#the-two-commands) [here](#title) `[not a link](nowhere.md)`
            [missing](no-such-file.md) [bad anchor](client.md#no-such-heading) [web](https://example.com/x.md)
            """);

        var problems = file.Links.Where(l => l.IsRelative).Select(l => (l.Target, Problem: LinkChecker.Problem(file, l))).ToList();

        Assert.That(problems.Where(p => p.Problem is null).Select(p => p.Target), Is.EquivalentTo(new[] { "client.md", "../README.md#the-two-commands", "#title" }));
        Assert.That(problems.Where(p => p.Problem is not null).Select(p => p.Target), Is.EquivalentTo(new[] { "no-such-file.md", "client.md#no-such-heading" }));
    }

    [TestCase("Quick start: the engine", "quick-start-the-engine")]
    [TestCase("`GrowthBookClientOptions` (the client)", "growthbookclientoptions-the-client")]
    [TestCase("Redis down — what then?", "redis-down--what-then")]
    public void AnchorsFollowGitHubSlugs(string heading, string slug)
        => Assert.That(LinkChecker.Slug(heading), Is.EqualTo(slug));
}
