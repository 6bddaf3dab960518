namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>The repository's documentation files, found from the test's own location (no fixed list: new docs are covered).</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries holding the solution file.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>README.md and every Markdown file under docs/, as paths relative to the root with '/' separators, sorted.</summary>
    public static IReadOnlyList<string> Documents()
    {
        var files = new List<string>();
        if (File.Exists(Path.Combine(Root, "README.md")))
        {
            files.Add("README.md");
        }

        var docs = Path.Combine(Root, "docs");
        if (Directory.Exists(docs))
        {
            files.AddRange(Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories).Select(Relative));
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The path of <paramref name="absolute"/> relative to the root, with '/' separators.</summary>
    public static string Relative(string absolute) => Path.GetRelativePath(Root, absolute).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GrowthBook.FeatureManagement.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GrowthBook.FeatureManagement.sln not found above " + AppContext.BaseDirectory);
    }
}
