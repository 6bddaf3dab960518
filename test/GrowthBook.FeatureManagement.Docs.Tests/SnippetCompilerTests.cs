using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>The harness itself: a block that does not compile is reported on the Markdown file's own line.</summary>
[TestFixture]
public sealed class SnippetCompilerTests
{
    private static CodeBlock Block(string markdown) => MarkdownFile.Parse("docs/example.md", markdown).CodeBlocks.Single();

    [Test]
    public void AValidProgramAgainstTheLibrariesCompiles()
    {
        var block = Block("""
            # Example

            ```csharp
            using GrowthBook.FeatureManagement;

            var user = new UserContext { Attributes = GrowthBookAttributes.From([new("id", "u1")]) };
            using var scope = new GrowthBookScope(GrowthBookPayload.Empty, user);
            Console.WriteLine(scope.IsOn("x"));
            record Extra(int Value);
            ```
            """);

        Assert.That(SnippetCompiler.Errors(block), Is.Empty);
    }

    [Test]
    public void AnErrorIsReportedAtItsMarkdownLine()
    {
        var block = Block("""
            # Example

            <!-- snippet: client -->
            ```csharp
            using GrowthBook.FeatureManagement;

            var on = client.IsOn("x", UserContext.Anonymous);
            int wrong = "not a number";
            ```
            """);

        var errors = SnippetCompiler.Errors(block);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("docs/example.md(8,"));
        Assert.That(errors[0], Does.Contain("CS0029"));
    }

    [Test]
    public void PreamblesDeclareTheirVariables()
    {
        const string Code = """
            ```csharp
            builder.Services.AddFeatureManagement();
            bool on = client.IsOn("x", user);
            ```
            """;

        Assert.That(SnippetCompiler.Errors(Block(Code)), Has.Some.Contains("CS0103"), "without preambles, builder/client/user are unknown");
        Assert.That(SnippetCompiler.Errors(Block("<!-- snippet: web, client, user -->\n" + Code)), Is.Empty);
    }

    [Test]
    public void AnUnknownPreambleIsAnError()
        => Assert.That(SnippetCompiler.Errors(Block("<!-- snippet: nope -->\n```csharp\nConsole.WriteLine();\n```")), Has.Some.Contains("unknown snippet preamble"));

    [Test]
    public void ATypeOnlyBlockCompilesAsALibrary()
        => Assert.That(SnippetCompiler.Errors(Block("```csharp\npublic sealed class Publisher { }\n```")), Is.Empty);

    [Test]
    public void OtherFenceLanguagesAreNotCSharp()
    {
        var file = MarkdownFile.Parse("README.md", "```json\n{ \"a\": 1 }\n```\n\n````bash\ndotnet test\n````\n");

        Assert.That(file.CodeBlocks.Select(b => (b.Language, b.Line)), Is.EqualTo(new[] { ("json", 2), ("bash", 6) }));
    }
}
