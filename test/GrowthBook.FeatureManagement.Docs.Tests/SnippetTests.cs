using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>Every ```csharp block in README.md and docs/ compiles. One test per block, named after its file and line.</summary>
[TestFixture]
public sealed class SnippetTests
{
    private static readonly string[] CSharpFences = ["csharp", "cs", "c#"];

    /// <summary>One case per C# block of every document (found anew each run: other docs need no registration).</summary>
    public static IEnumerable<TestCaseData> CSharpBlocks()
        => RepositoryFiles.Documents()
            .SelectMany(file => MarkdownFile.Load(file).CodeBlocks)
            .Where(block => CSharpFences.Contains(block.Language))
            .Select(block => new TestCaseData(block).SetName($"Compiles({block})"));

    [TestCaseSource(nameof(CSharpBlocks))]
    public void Compiles(object block)
    {
        var errors = SnippetCompiler.Errors((CodeBlock)block);
        Assert.That(errors, Is.Empty, () => string.Join(Environment.NewLine, errors));
    }

    [Test]
    public void TheDocsHaveCSharpBlocks()
        => Assert.That(CSharpBlocks().Count(), Is.GreaterThan(10), "the README and docs/ should hold C# examples; is the repository root found?");
}
