using GrowthBook.FeatureManagement.JavaScript.Url;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// The URL helpers of JS SDK <c>util.ts</c> (@growthbook/growthbook 1.8.0): the <c>?key=N</c> override
/// (docs/engine.md, "URL targeting") and the query-string merge of the redirect flow (docs/engine.md, "URL targeting"). None of them throws.
/// </summary>
internal static class UrlTargeting
{
    /// <summary>
    /// JS <c>getQueryStringOverride(id, url, numVariations)</c> (docs/engine.md, "URL targeting"): the first <c>id=…</c> pair of the
    /// text between the first and second <c>?</c> forces that variation when <c>parseInt</c> gives
    /// <c>0 &lt;= v &lt; numVariations</c>; otherwise null. The URL is never parsed as a URL.
    /// </summary>
    public static int? GetQueryStringOverride(string id, string? url, int numVariations)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        // url.split("?")[1]: the text between the first and the second '?'.
        var first = url.IndexOf('?', StringComparison.Ordinal);
        if (first < 0)
        {
            return null;
        }

        var second = url.IndexOf('?', first + 1);
        var search = second < 0 ? url[(first + 1)..] : url[(first + 1)..second];
        if (search.Length == 0)
        {
            return null;
        }

        // .replace(/#.*/, ""): '.' stops at a line terminator, so only "#" up to the next line break is removed.
        var hash = search.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            var end = hash + 1;
            while (end < search.Length && !IsJsLineTerminator(search[end]))
            {
                end++;
            }

            search = string.Concat(search.AsSpan(0, hash), search.AsSpan(end));
        }

        // .split("&").map(kv => kv.split("=", 2)).filter(([k]) => k === id).map(([, v]) => parseInt(v)); only the
        // first matching pair counts, even when its value is not a number.
        foreach (var pair in search.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (!string.Equals(key, id, StringComparison.Ordinal))
            {
                continue;
            }

            if (eq < 0)
            {
                return null; // parseInt(undefined) is NaN
            }

            var valueEnd = pair.IndexOf('=', eq + 1);
            var value = JsNumber.ParseInt(valueEnd < 0 ? pair.AsSpan(eq + 1) : pair.AsSpan(eq + 1, valueEnd - eq - 1));
            return value >= 0 && value < numVariations ? (int)value : null;
        }

        return null;
    }

    /// <summary>
    /// JS <c>mergeQueryStrings(oldUrl, newUrl)</c> (<c>persistQueryString</c>): both are parsed with
    /// <c>new URL(…)</c> (no base); each parameter of the old URL whose name the redirect URL lacks is appended, and the
    /// redirect URL's serialization is returned. When either URL does not parse, <paramref name="newUrl"/> is returned
    /// unchanged. As with <c>URLSearchParams</c>, once a parameter is added the whole query is re-serialized
    /// (form-encoded), and the returned href is always the normalized one.
    /// </summary>
    public static string MergeQueryStrings(string oldUrl, string newUrl)
    {
        var current = WhatwgUrl.Parse(oldUrl ?? "", null);
        var redirect = WhatwgUrl.Parse(newUrl ?? "", null);
        if (current is null || redirect is null)
        {
            return newUrl ?? "";
        }

        var merged = UrlSearchParams.Parse(redirect.Query);
        var changed = false;
        foreach (var (key, value) in UrlSearchParams.Parse(current.Query))
        {
            // redirectUrl.searchParams.has(key) sees the pairs added so far: only the first duplicate is copied.
            if (UrlSearchParams.Get(merged, key) is not null)
            {
                continue;
            }

            merged.Add(new(key, value));
            changed = true;
        }

        if (changed)
        {
            // The URLSearchParams "update steps": the query becomes the serialization (never empty here).
            redirect.Query = UrlSearchParams.Serialize(merged);
        }

        return redirect.Href;
    }

    /// <summary>JS <c>LineTerminator</c>: what <c>.</c> does not match in a regex without the <c>s</c> flag.</summary>
    internal static bool IsJsLineTerminator(char c) => c is '\n' or '\r' or '\u2028' or '\u2029';
}
