using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>The parts of a Markdown file the docs tests read: fenced code blocks, and link targets outside code.</summary>
internal sealed partial class MarkdownFile
{
    private MarkdownFile(string path, IReadOnlyList<CodeBlock> blocks, IReadOnlyList<MarkdownLink> links, IReadOnlyList<string> headings, IReadOnlyList<CodeSpan> codeSpans)
    {
        Path = path;
        CodeBlocks = blocks;
        Links = links;
        Headings = headings;
        CodeSpans = codeSpans;
    }

    /// <summary>The file, relative to the repository root.</summary>
    public string Path { get; }

    /// <summary>Every fenced code block, in order.</summary>
    public IReadOnlyList<CodeBlock> CodeBlocks { get; }

    /// <summary>Every inline (<c>[text](target)</c>) and reference-definition link outside code.</summary>
    public IReadOnlyList<MarkdownLink> Links { get; }

    /// <summary>The text of every ATX heading (<c># …</c>) outside code, in order.</summary>
    public IReadOnlyList<string> Headings { get; }

    /// <summary>Every inline code span (<c>`…`</c>) outside fenced blocks, in order.</summary>
    public IReadOnlyList<CodeSpan> CodeSpans { get; }

    /// <summary>Reads a file relative to the repository root.</summary>
    public static MarkdownFile Load(string relativePath)
        => Parse(relativePath, File.ReadAllText(System.IO.Path.Combine(RepositoryFiles.Root, relativePath)));

    /// <summary>Parses Markdown text; <paramref name="path"/> only names it.</summary>
    public static MarkdownFile Parse(string path, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<CodeBlock>();
        var links = new List<MarkdownLink>();
        var headings = new List<string>();
        var spans = new List<CodeSpan>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (fence.Success)
            {
                var marker = fence.Groups["marker"].Value;
                var language = fence.Groups["info"].Value.Trim().Split(' ', 2)[0].ToLowerInvariant();
                var preambles = PreamblesBefore(lines, i);
                var start = i + 1;
                var end = start;
                while (end < lines.Length && !IsClosingFence(lines[end], marker))
                {
                    end++;
                }

                blocks.Add(new CodeBlock(path, start + 1, language, string.Join('\n', lines[start..Math.Min(end, lines.Length)]), preambles));
                i = end;
                continue;
            }

            if (Heading().Match(lines[i]) is { Success: true } heading)
            {
                headings.Add(heading.Groups["text"].Value.Trim());
            }

            foreach (Match span in InlineCode().Matches(lines[i]))
            {
                spans.Add(new CodeSpan(i + 1, span.Value.Trim('`').Trim()));
            }

            var outsideCode = InlineCode().Replace(lines[i], "");
            foreach (Match link in InlineLink().Matches(outsideCode))
            {
                links.Add(new MarkdownLink(path, i + 1, link.Groups["target"].Value));
            }

            if (ReferenceDefinition().Match(outsideCode) is { Success: true } definition)
            {
                links.Add(new MarkdownLink(path, i + 1, definition.Groups["target"].Value));
            }
        }

        return new MarkdownFile(path, blocks, links, headings, spans);
    }

    // A "<!-- snippet: web, client -->" comment on the line before the fence (blank lines between are allowed).
    private static string[] PreamblesBefore(string[] lines, int fenceIndex)
    {
        for (var j = fenceIndex - 1; j >= 0; j--)
        {
            if (lines[j].Trim().Length == 0)
            {
                continue;
            }

            var directive = SnippetDirective().Match(lines[j]);
            return directive.Success
                ? directive.Groups["names"].Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
        }

        return [];
    }

    private static bool IsClosingFence(string line, string marker)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith(marker, StringComparison.Ordinal) && trimmed.TrimEnd().All(c => c == marker[0]);
    }

    [GeneratedRegex(@"^\s*(?<marker>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`+[^`]*`+")]
    private static partial Regex InlineCode();

    // [text](target) or [text](target "title"); images too (![alt](target)).
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(?<names>[^>]*?)\s*-->\s*$")]
    private static partial Regex SnippetDirective();
}
