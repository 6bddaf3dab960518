using System.Text.RegularExpressions;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>
/// The folder tree in docs/architecture.md (the <c>```text</c> block after <c>&lt;!-- tree: src --&gt;</c>) is the real
/// one: every folder it draws exists, and every folder under src/ (less bin/ and obj/) is drawn.
/// </summary>
[TestFixture]
public sealed partial class FolderTreeTests
{
    private const string Document = "docs/architecture.md";

    [Test]
    public void TheTreeIsTheRealSrcTree()
    {
        var drawn = DrawnFolders(File.ReadAllText(Path.Combine(RepositoryFiles.Root, Document)));
        var real = RealFolders("src");

        Assert.Multiple(() =>
        {
            Assert.That(drawn, Is.Not.Empty, "the tree block was found");
            Assert.That(drawn.Except(real), Is.Empty, "drawn in " + Document + " but not in the repository");
            Assert.That(real.Except(drawn), Is.Empty, "in the repository but not drawn in " + Document);
        });
    }

    [Test]
    public void TheTreeIsReadByItsIndentation()
    {
        const string text = """
            <!-- tree: src -->
            ```text
            src/
            ├── A/            what A holds
            │   ├── B/        what B holds / with a slash
            │   │   └── C/
            │   └── D/
            └── E/
            ```
            """;

        Assert.That(DrawnFolders(text), Is.EqualTo(new[] { "src", "src/A", "src/A/B", "src/A/B/C", "src/A/D", "src/E" }));
    }

    // The folders drawn in the block after the marker: each line's depth is its drawing prefix's length / 4.
    private static List<string> DrawnFolders(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "<!-- tree: src -->");
        var folders = new List<string>();
        if (start < 0)
        {
            return folders;
        }

        var path = new List<string>();
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal)))
        {
            var entry = TreeLine().Match(line);
            if (!entry.Success)
            {
                continue;
            }

            var depth = entry.Groups["prefix"].Value.Length / 4;
            path.RemoveRange(Math.Min(depth, path.Count), path.Count - Math.Min(depth, path.Count));
            path.Add(entry.Groups["name"].Value);
            folders.Add(string.Join('/', path));
        }

        return folders;
    }

    private static List<string> RealFolders(string top)
        => [top, .. Directory.EnumerateDirectories(Path.Combine(RepositoryFiles.Root, top), "*", SearchOption.AllDirectories)
            .Select(RepositoryFiles.Relative)
            .Where(d => !d.Split('/').Any(s => s is "bin" or "obj"))];

    [GeneratedRegex(@"^(?<prefix>[│├└─ ]*)(?<name>[^\s/│├└─]+)/")]
    private static partial Regex TreeLine();
}
