namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>A link in a Markdown file.</summary>
/// <param name="File">The file holding the link, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the link.</param>
/// <param name="Target">The link target as written (<c>client.md#options</c>, <c>https://…</c>).</param>
internal sealed record MarkdownLink(string File, int Line, string Target)
{
    /// <summary>Whether the target is inside this repository (not a URL with a scheme, not mail).</summary>
    public bool IsRelative => !Target.Contains("://", StringComparison.Ordinal) && !Target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line} ({Target})";
}
