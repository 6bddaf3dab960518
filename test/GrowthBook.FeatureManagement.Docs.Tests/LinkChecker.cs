using System.Text;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>Resolves a relative Markdown link against the repository, as GitHub renders it.</summary>
internal static class LinkChecker
{
    /// <summary>Why <paramref name="link"/> (in <paramref name="file"/>) does not resolve, or null when it does.</summary>
    public static string? Problem(MarkdownFile file, MarkdownLink link)
    {
        var hash = link.Target.IndexOf('#', StringComparison.Ordinal);
        var pathPart = Uri.UnescapeDataString(hash < 0 ? link.Target : link.Target[..hash]);
        var anchor = hash < 0 ? null : link.Target[(hash + 1)..];
        var query = pathPart.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            pathPart = pathPart[..query];
        }

        if (pathPart.Length == 0)
        {
            return anchor is null || Slugs(file.Headings).Contains(anchor) ? null : $"no heading #{anchor}";
        }

        var baseDir = Path.GetDirectoryName(Path.Combine(RepositoryFiles.Root, link.File))!;
        var target = Path.GetFullPath(Path.Combine(baseDir, pathPart));
        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return "no such file or folder";
        }

        if (!Path.GetFullPath(target).StartsWith(RepositoryFiles.Root, StringComparison.Ordinal))
        {
            return "outside the repository";
        }

        if (anchor is { Length: > 0 } && target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(target))
        {
            var slugs = Slugs(MarkdownFile.Load(RepositoryFiles.Relative(target)).Headings);
            if (!slugs.Contains(anchor))
            {
                return $"no heading #{anchor}";
            }
        }

        return null;
    }

    /// <summary>GitHub's anchor for a heading: lower case; markup and punctuation dropped; spaces to hyphens.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    // Repeated headings get -1, -2, … as on GitHub.
    private static HashSet<string> Slugs(IEnumerable<string> headings)
    {
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var heading in headings)
        {
            var slug = Slug(heading);
            var n = counts.GetValueOrDefault(slug);
            counts[slug] = n + 1;
            slugs.Add(n == 0 ? slug : $"{slug}-{n}");
        }

        return slugs;
    }
}
