namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>A fenced code block of a Markdown file.</summary>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the first line of code (the one after the opening fence).</param>
/// <param name="Language">The fence's info string up to the first space (<c>csharp</c>, <c>json</c>, …), lower case.</param>
/// <param name="Code">The code, lines joined with '\n'.</param>
/// <param name="Preambles">The preambles named by a <c>&lt;!-- snippet: a, b --&gt;</c> comment right before the block.</param>
internal sealed record CodeBlock(string File, int Line, string Language, string Code, IReadOnlyList<string> Preambles)
{
    /// <summary>Where the block is, as a test name shows it: <c>docs/client.md:12</c>.</summary>
    public override string ToString() => $"{File}:{Line}";
}
