using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>
/// The repository paths a document names in code spans, and whether each exists. A span names a path when it contains
/// <c>/</c>, holds nothing but path characters, and starts at a top-level folder of the repository (<c>src/</c>,
/// <c>test/</c>, <c>samples/</c>, <c>docs/</c>, <c>eng/</c>, <c>.ci/</c>), ends with <c>/</c> (a folder), or ends with
/// a file extension the repository uses. Type and member names (<c>GrowthBookClient.EvalFeatureAsync</c>) have no
/// <c>/</c>; URLs, routes and placeholders (<c>https://…</c>, <c>/api/features/{key}</c>) are not paths.
/// </summary>
internal static partial class NamedPaths
{
    private static readonly string[] Roots = ["src/", "test/", "samples/", "docs/", "eng/", ".ci/"];

    private static readonly string[] Extensions =
        [".cs", ".csproj", ".sln", ".props", ".targets", ".md", ".json", ".mjs", ".js", ".txt", ".cake", ".cshtml", ".css", ".gz", ".template", ".yml", ".yaml"];

    // Build outputs (git-ignored): a document may say where a run writes its results.
    private static readonly string[] Outputs = ["artifacts", "BenchmarkDotNet.Artifacts", "bin", "obj", "TestResults"];

    private static readonly Lazy<string[]> Entries = new(ListRepository);

    /// <summary>Whether <paramref name="span"/> names a repository path (by its shape only).</summary>
    public static bool IsPath(string span)
        => span.Contains('/', StringComparison.Ordinal)
           && PathShape().IsMatch(span)
           && !span.StartsWith('/')
           && (Roots.Any(r => span.StartsWith(r, StringComparison.Ordinal))
               || span.EndsWith('/')
               || Extensions.Any(e => span.EndsWith(e, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Whether the path exists. A path from a top-level folder is read from the repository root; a path starting with
    /// <c>./</c> or <c>../</c> from the document's folder; any other (<c>Client/PayloadStore.cs</c>, inside a project
    /// the text names) must end some path of the repository. <c>…</c> stands for any part of the path. Paths under build
    /// outputs (<c>artifacts/</c>, <c>bin/</c>, …) are not in the repository and are not checked.
    /// </summary>
    public static bool Exists(string document, string path)
    {
        if (path.Split('/').Any(segment => Outputs.Contains(segment, StringComparer.Ordinal)))
        {
            return true;
        }

        if (path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith("../", StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, Path.GetDirectoryName(document) ?? "", path));
            return File.Exists(full) || Directory.Exists(full);
        }

        var anchored = Roots.Any(r => path.StartsWith(r, StringComparison.Ordinal));
        var pattern = new Regex(
            (anchored ? "^" : "(^|/)") + string.Join(".*", path.TrimEnd('/').Split('…').Select(Regex.Escape)) + "/?$",
            RegexOptions.CultureInvariant);
        return Entries.Value.Any(pattern.IsMatch);
    }

    // Every file and folder of the repository (relative, '/' separators), build outputs and tool folders left out.
    private static string[] ListRepository()
    {
        var skipped = new HashSet<string>(Outputs.Concat([".git", ".vs", ".idea", "node_modules", "tools"]), StringComparer.Ordinal);
        var entries = new List<string>();
        var pending = new Stack<string>([RepositoryFiles.Root]);
        while (pending.TryPop(out var folder))
        {
            foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !skipped.Contains(Path.GetFileName(d))))
            {
                entries.Add(RepositoryFiles.Relative(sub));
                pending.Push(sub);
            }

            entries.AddRange(Directory.EnumerateFiles(folder).Select(RepositoryFiles.Relative));
        }

        return [.. entries];
    }

    [GeneratedRegex(@"^[\p{L}\p{N}._…/-]+$")]
    private static partial Regex PathShape();
}
