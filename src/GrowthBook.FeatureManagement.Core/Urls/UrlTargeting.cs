using System.Text;
using System.Text.RegularExpressions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Urls;

/// <summary>The kind of a URL targeting pattern.</summary>
internal enum UrlPatternKind
{
    Simple,
    Regex,
}

/// <summary>One entry of an experiment's <c>urlPatterns</c>.</summary>
internal sealed record UrlPattern(UrlPatternKind Kind, string Pattern, bool Include);

/// <summary>URL helpers of JS SDK <c>util.ts</c> (ENGINE-NOTES §2.4, §2.12).</summary>
internal static class UrlTargeting
{
    /// <summary><c>getQueryStringOverride(id, url, numVariations)</c>: <c>?id=N</c> forces variation N.</summary>
    public static int? GetQueryStringOverride(string id, string? url, int numVariations)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        // url.split("?")[1]: the text between the first and second '?'.
        var first = url.IndexOf('?', StringComparison.Ordinal);
        if (first < 0)
        {
            return null;
        }

        var second = url.IndexOf('?', first + 1);
        var search = second < 0 ? url[(first + 1)..] : url[(first + 1)..second];
        var hash = search.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            search = search[..hash];
        }

        if (search.Length == 0)
        {
            return null;
        }

        foreach (var pair in search.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (key != id)
            {
                continue;
            }

            if (eq < 0)
            {
                return null; // parseInt(undefined) is NaN
            }

            var valueEnd = pair.IndexOf('=', eq + 1);
            var value = valueEnd < 0 ? pair[(eq + 1)..] : pair[(eq + 1)..valueEnd];
            var n = JsNumber.ParseInt(value);
            return n >= 0 && n < numVariations ? (int)n : null;
        }

        return null;
    }

    /// <summary>
    /// <c>mergeQueryStrings(oldUrl, newUrl)</c>: the redirect URL keeps its own parameters and gains the old URL's
    /// parameters it lacks. If either URL does not parse, the new URL is returned as it is.
    /// </summary>
    public static string MergeQueryStrings(string oldUrl, string newUrl)
    {
        if (!Uri.TryCreate(oldUrl, UriKind.Absolute, out var current) || !Uri.TryCreate(newUrl, UriKind.Absolute, out var redirect))
        {
            return newUrl;
        }

        var merged = ParseQuery(redirect.Query);
        foreach (var (key, value) in ParseQuery(current.Query))
        {
            if (!merged.Any(p => p.Key == key))
            {
                merged.Add(new(key, value));
            }
        }

        var sb = new StringBuilder(redirect.GetLeftPart(UriPartial.Path));
        if (merged.Count > 0)
        {
            sb.Append('?').Append(string.Join("&", merged.Select(p => FormEncode(p.Key) + "=" + FormEncode(p.Value))));
        }

        return sb.Append(redirect.Fragment).ToString();
    }

    /// <summary>Parses a URL as <c>new URL(url, "https://_")</c> does for the forms GrowthBook targets; null when it does not parse.</summary>
    internal static Uri? ParseUrl(string url, string baseUrl = "https://_")
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "file")
        {
            return absolute;
        }

        return Uri.TryCreate(new Uri(baseUrl), url, out var relative) ? relative : null;
    }

    /// <summary>URLSearchParams parsing: '&amp;'-separated pairs, '+' as space, percent-decoding.</summary>
    internal static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(FormDecode(key), FormDecode(value)));
        }

        return result;
    }

    private static string FormDecode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    // application/x-www-form-urlencoded serializer.
    private static string FormEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                sb.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}

/// <summary>
/// An experiment's <c>urlPatterns</c>, compiled once: <c>isURLTargeted(url, patterns)</c>. A matching exclude pattern
/// wins; otherwise an include pattern must match, unless there are none. An empty list targets nobody (as in JS).
/// </summary>
internal sealed class UrlTargeter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(50);
    private readonly Compiled[] _patterns;

    public UrlTargeter(IReadOnlyList<UrlPattern> patterns) => _patterns = patterns.Select(Compile).ToArray();

    public bool IsTargeted(string url)
    {
        if (_patterns.Length == 0)
        {
            return false;
        }

        var parsed = UrlTargeting.ParseUrl(url);
        var hasInclude = false;
        var included = false;
        foreach (var pattern in _patterns)
        {
            var match = parsed is not null && pattern.Matches(parsed);
            if (!pattern.Include)
            {
                if (match)
                {
                    return false;
                }
            }
            else
            {
                hasInclude = true;
                included |= match;
            }
        }

        return included || !hasInclude;
    }

    private static Compiled Compile(UrlPattern pattern)
    {
        if (pattern.Kind == UrlPatternKind.Regex)
        {
            var regex = Conditions.JsRegex.TryCreate(pattern.Pattern, ignoreCase: false);
            return new Compiled(pattern.Include, regex is null ? null : url =>
                Conditions.JsRegex.Test(regex, url.AbsoluteUri) || Conditions.JsRegex.Test(regex, url.PathAndQuery + url.Fragment));
        }

        // _evalSimpleUrlTarget: add https:// when a host has no protocol, '*' is a wildcard.
        var text = Regex.Replace(pattern.Pattern, "^([^:/?]*)\\.", "https://$1.", RegexOptions.None, Timeout).Replace("*", "_____", StringComparison.Ordinal);
        var expected = UrlTargeting.ParseUrl(text, "https://_____");
        if (expected is null)
        {
            return new Compiled(pattern.Include, null);
        }

        var parts = new List<(Func<Uri, string> Actual, Regex Regex)>
        {
            (u => u.Authority, Part(expected.Authority, isPath: false)),
            (u => u.AbsolutePath, Part(expected.AbsolutePath, isPath: true)),
        };
        if (expected.Fragment.Length > 0)
        {
            parts.Add((u => u.Fragment, Part(expected.Fragment, isPath: false)));
        }

        foreach (var (key, value) in UrlTargeting.ParseQuery(expected.Query))
        {
            parts.Add((u => UrlTargeting.ParseQuery(u.Query).FirstOrDefault(p => p.Key == key).Value ?? "", Part(value, isPath: false)));
        }

        return new Compiled(pattern.Include, url => parts.All(p => Conditions.JsRegex.Test(p.Regex, p.Actual(url))));
    }

    // _evalSimpleUrlPart: escape, '_____' → '.*', optional leading/trailing '/' for paths, case-insensitive, anchored.
    private static Regex Part(string pattern, bool isPath)
    {
        var escaped = Regex.Replace(pattern, @"[*.+?^${}()|[\]\\]", "\\$&", RegexOptions.None, Timeout).Replace("_____", ".*", StringComparison.Ordinal);
        if (isPath)
        {
            var trimmed = escaped.StartsWith('/') ? escaped[1..] : escaped;
            trimmed = trimmed.EndsWith('/') ? trimmed[..^1] : trimmed;
            escaped = "\\/?" + trimmed + "\\/?";
        }

        return new Regex("^" + escaped + "\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);
    }

    private sealed record Compiled(bool Include, Func<Uri, bool>? Match)
    {
        public bool Matches(Uri url) => Match is not null && Match(url);
    }
}
