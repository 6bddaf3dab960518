using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Urls;

/// <summary>The <c>type</c> of one <c>urlPatterns</c> entry.</summary>
internal enum UrlPatternKind
{
    /// <summary><c>"simple"</c>: a URL with <c>*</c> wildcards, compared part by part (host, path, hash, query params).</summary>
    Simple,

    /// <summary><c>"regex"</c>: a JS regular expression tested against the href and against path+query+hash.</summary>
    Regex,
}

/// <summary>
/// One entry of an experiment's <c>urlPatterns</c>: <c>{ type, pattern, include? }</c>. JS excludes only when
/// <c>include === false</c>, so a missing (or non-boolean) <c>include</c> must be read as <c>true</c>.
/// </summary>
internal sealed record UrlPattern(UrlPatternKind Kind, string Pattern, bool Include);

/// <summary>
/// The URL helpers of JS SDK <c>util.ts</c> (@growthbook/growthbook 1.8.0): the <c>?key=N</c> override
/// (ENGINE-NOTES §2.4) and the query-string merge of the redirect flow (ENGINE-NOTES §2.12). None of them throws.
/// </summary>
internal static class UrlTargeting
{
    /// <summary>
    /// JS <c>getQueryStringOverride(id, url, numVariations)</c> (ENGINE-NOTES §2.4): the first <c>id=…</c> pair of the
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
    /// JS <c>mergeQueryStrings(oldUrl, newUrl)</c> (ENGINE-NOTES §2.12, <c>persistQueryString</c>): both are parsed with
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

    internal static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}

/// <summary>
/// An experiment's <c>urlPatterns</c>, compiled once: JS <c>isURLTargeted(url, patterns)</c> (ENGINE-NOTES §2.12).
/// A matching exclude pattern wins; otherwise an include pattern must match, unless there are no include patterns.
/// An empty list targets nobody (<c>if (!targets.length) return false</c>).
/// </summary>
internal sealed class UrlTargeter
{
    // new URL(pattern, "https://_____") for simple patterns: "_____" is JS's stand-in for '*'.
    private static readonly WhatwgUrl SimpleBase = WhatwgUrl.Parse("https://_____", null)!;

    // new URL(url, "https://_") for the URL being targeted.
    private static readonly WhatwgUrl TargetBase = WhatwgUrl.Parse("https://_", null)!;

    private readonly CompiledPattern[] _patterns;

    public UrlTargeter(IReadOnlyList<UrlPattern> patterns)
    {
        _patterns = new CompiledPattern[patterns.Count];
        for (var i = 0; i < patterns.Count; i++)
        {
            _patterns[i] = patterns[i].Kind == UrlPatternKind.Regex
                ? new RegexPattern(patterns[i].Include, CreateRegex(patterns[i].Pattern))
                : SimplePattern.Create(patterns[i].Include, patterns[i].Pattern);
        }
    }

    /// <summary>JS <c>isURLTargeted(url, urlPatterns)</c>. A URL that does not parse matches no pattern.</summary>
    public bool IsTargeted(string url)
    {
        if (_patterns.Length == 0)
        {
            return false;
        }

        // JS parses the URL again for every pattern; parsing is deterministic, so once is enough.
        var parsed = WhatwgUrl.Parse(url ?? "", TargetBase);
        var target = parsed is null ? null : new Target(parsed);
        var hasIncludeRules = false;
        var isIncluded = false;
        foreach (var pattern in _patterns)
        {
            var match = target is not null && pattern.Matches(target);
            if (!pattern.Include)
            {
                if (match)
                {
                    return false;
                }
            }
            else
            {
                hasIncludeRules = true;
                isIncluded |= match;
            }
        }

        return isIncluded || !hasIncludeRules;
    }

    /// <summary>
    /// JS <c>getUrlRegExp</c>: the pattern compiled without flags, as conditions compile theirs (slash escaping and
    /// the JavaScript-to-.NET translation included); null when JS would reject it (the pattern then never matches).
    /// </summary>
    internal static JsRegex? CreateRegex(string pattern) => JsRegex.TryCreate(pattern, ignoreCase: false);

    /// <summary>The parsed URL being targeted; the derived strings are computed on first use.</summary>
    private sealed class Target(WhatwgUrl url)
    {
        private string? _href;
        private string? _afterOrigin;
        private List<KeyValuePair<string, string>>? _searchParams;

        public WhatwgUrl Url { get; } = url;

        public string Href => _href ??= Url.Href;

        /// <summary>
        /// <c>href.substring(origin.length)</c>. An opaque origin serializes as "null", so JS cuts 4 characters off
        /// such an href ("foo:bar" gives "bar"): the quirk is kept.
        /// </summary>
        public string AfterOrigin => _afterOrigin ??= Href[Math.Min(Url.Origin.Length, Href.Length)..];

        public List<KeyValuePair<string, string>> SearchParams => _searchParams ??= UrlSearchParams.Parse(Url.Query);
    }

    private abstract class CompiledPattern(bool include)
    {
        public bool Include { get; } = include;

        public abstract bool Matches(Target target);
    }

    /// <summary><c>regex.test(parsed.href) || regex.test(parsed.href.substring(parsed.origin.length))</c>.</summary>
    private sealed class RegexPattern(bool include, JsRegex? regex) : CompiledPattern(include)
    {
        public override bool Matches(Target target)
        {
            return regex is not null && (regex.Test(target.Href) || regex.Test(target.AfterOrigin));
        }
    }

    /// <summary>
    /// JS <c>_evalSimpleUrlTarget</c>: <c>https://</c> is added when the text before the first <c>:</c>, <c>/</c> or
    /// <c>?</c> contains a dot; <c>*</c> becomes <c>_____</c>; the result is parsed against <c>https://_____</c>. Host and
    /// pathname are always compared, the hash only when the pattern has one, and every query pair of the pattern
    /// against <c>actual.searchParams.get(key) || ""</c>. A pattern that does not parse never matches.
    /// </summary>
    private sealed class SimplePattern : CompiledPattern
    {
        private readonly SimpleUrlPart _host;
        private readonly SimpleUrlPart _path;
        private readonly SimpleUrlPart? _hash;
        private readonly KeyValuePair<string, SimpleUrlPart>[] _query;

        private SimplePattern(bool include, WhatwgUrl expected)
            : base(include)
        {
            _host = new SimpleUrlPart(expected.HostWithPort, isPath: false);
            _path = new SimpleUrlPart(expected.Pathname, isPath: true);
            var hash = expected.Hash;
            _hash = hash.Length > 0 ? new SimpleUrlPart(hash, isPath: false) : null;
            _query = UrlSearchParams.Parse(expected.Query)
                .Select(p => new KeyValuePair<string, SimpleUrlPart>(p.Key, new SimpleUrlPart(p.Value, isPath: false)))
                .ToArray();
        }

        public static CompiledPattern Create(bool include, string pattern)
        {
            // pattern.replace(/^([^:/?]*)\./i, "https://$1."): the greedy group can end at any dot before the first
            // ':', '/' or '?', and the replacement keeps the matched text, so this only prepends "https://".
            var stop = pattern.AsSpan().IndexOfAny(":/?");
            var head = stop < 0 ? pattern.AsSpan() : pattern.AsSpan(0, stop);
            var text = head.Contains('.') ? "https://" + pattern : pattern;
            var expected = WhatwgUrl.Parse(text.Replace("*", "_____", StringComparison.Ordinal), SimpleBase);
            return expected is null ? new NeverPattern(include) : new SimplePattern(include, expected);
        }

        public override bool Matches(Target target)
        {
            var url = target.Url;
            if (!_host.Matches(url.HostWithPort) || !_path.Matches(url.Pathname))
            {
                return false;
            }

            if (_hash is not null && !_hash.Matches(url.Hash))
            {
                return false;
            }

            foreach (var (key, part) in _query)
            {
                if (!part.Matches(UrlSearchParams.Get(target.SearchParams, key) ?? ""))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class NeverPattern(bool include) : CompiledPattern(include)
    {
        public override bool Matches(Target target) => false;
    }
}

/// <summary>
/// JS <c>_evalSimpleUrlPart(actual, pattern, isPath)</c> without building a regex: JS escapes every regex
/// metacharacter, turns <c>_____</c> into <c>.*</c>, for paths drops one leading and one trailing <c>/</c> and wraps the
/// rest in <c>\/?…\/?</c>, and tests <c>^…$</c> with the <c>i</c> flag. So the pattern is literal text with
/// wildcards that match any run of code units without a line terminator, compared with JS's non-unicode
/// case-insensitive <c>Canonicalize</c>.
/// </summary>
internal sealed class SimpleUrlPart
{
    private const int Star = -1;
    private const int OptionalSlash = -2;

    // Characters whose full uppercase mapping has several code units: JS Canonicalize leaves them unchanged, but
    // char.ToUpperInvariant (simple mapping) would change some of them (e.g. U+1F80 → U+1F88).
    private const string MultiUnitUppercase =
        "\u00DF\u0149\u01F0\u0390\u03B0\u0587\u1E96\u1E97\u1E98\u1E99\u1E9A\u1F50\u1F52\u1F54\u1F56"
        + "\u1F80\u1F81\u1F82\u1F83\u1F84\u1F85\u1F86\u1F87\u1F88\u1F89\u1F8A\u1F8B\u1F8C\u1F8D\u1F8E\u1F8F"
        + "\u1F90\u1F91\u1F92\u1F93\u1F94\u1F95\u1F96\u1F97\u1F98\u1F99\u1F9A\u1F9B\u1F9C\u1F9D\u1F9E\u1F9F"
        + "\u1FA0\u1FA1\u1FA2\u1FA3\u1FA4\u1FA5\u1FA6\u1FA7\u1FA8\u1FA9\u1FAA\u1FAB\u1FAC\u1FAD\u1FAE\u1FAF"
        + "\u1FB2\u1FB3\u1FB4\u1FB6\u1FB7\u1FBC\u1FC2\u1FC3\u1FC4\u1FC6\u1FC7\u1FCC\u1FD2\u1FD3\u1FD6\u1FD7"
        + "\u1FE2\u1FE3\u1FE4\u1FE6\u1FE7\u1FF2\u1FF3\u1FF4\u1FF6\u1FF7\u1FFC"
        + "\uFB00\uFB01\uFB02\uFB03\uFB04\uFB05\uFB06\uFB13\uFB14\uFB15\uFB16\uFB17";

    // Canonicalized literal code units, and the two markers above for ".*" and "\/?".
    private readonly int[] _tokens;
    private readonly bool _literalOnly;

    public SimpleUrlPart(string pattern, bool isPath)
    {
        var tokens = new List<int>(pattern.Length + 2);
        for (var i = 0; i < pattern.Length;)
        {
            if (pattern.AsSpan(i).StartsWith("_____", StringComparison.Ordinal))
            {
                tokens.Add(Star);
                i += 5;
            }
            else
            {
                tokens.Add(Canonicalize(pattern[i]));
                i++;
            }
        }

        if (isPath)
        {
            // escaped.replace(/(^\/|\/$)/g, ""): a lone "/" is removed once, not twice.
            if (tokens.Count > 0 && tokens[0] == '/')
            {
                tokens.RemoveAt(0);
            }

            if (tokens.Count > 0 && tokens[^1] == '/')
            {
                tokens.RemoveAt(tokens.Count - 1);
            }

            tokens.Insert(0, OptionalSlash);
            tokens.Add(OptionalSlash);
        }

        _tokens = [.. tokens];
        _literalOnly = !tokens.Contains(Star) && !tokens.Contains(OptionalSlash);
    }

    /// <summary>JS <c>new RegExp("^" + escaped + "$", "i").test(actual)</c>.</summary>
    public bool Matches(string actual)
    {
        if (_literalOnly)
        {
            if (actual.Length != _tokens.Length)
            {
                return false;
            }

            for (var i = 0; i < actual.Length; i++)
            {
                if (Canonicalize(actual[i]) != _tokens[i])
                {
                    return false;
                }
            }

            return true;
        }

        // reach[i]: the tokens so far can match actual[..i] exactly.
        var n = actual.Length;
        var reach = new bool[n + 1];
        var next = new bool[n + 1];
        reach[0] = true;
        foreach (var token in _tokens)
        {
            var any = false;
            for (var i = 0; i <= n; i++)
            {
                next[i] = token switch
                {
                    Star => reach[i] || (i > 0 && next[i - 1] && !UrlTargeting.IsJsLineTerminator(actual[i - 1])),
                    OptionalSlash => reach[i] || (i > 0 && reach[i - 1] && actual[i - 1] == '/'),
                    _ => i > 0 && reach[i - 1] && Canonicalize(actual[i - 1]) == token,
                };
                any |= next[i];
            }

            if (!any)
            {
                return false;
            }

            (reach, next) = (next, reach);
        }

        return reach[n];
    }

    /// <summary>
    /// ECMAScript <c>Canonicalize(ch)</c> for a non-unicode, ignoreCase regex: the uppercase of <paramref name="ch"/>
    /// when it is a single code unit, except that a non-ASCII unit never maps into ASCII.
    /// </summary>
    internal static char Canonicalize(char ch)
    {
        if (ch < 128)
        {
            return ch is >= 'a' and <= 'z' ? (char)(ch - 32) : ch;
        }

        if (MultiUnitUppercase.Contains(ch, StringComparison.Ordinal))
        {
            return ch;
        }

        var upper = ch switch
        {
            // Unicode 16 case pairs that Node's ICU knows and .NET's invariant casing table may not.
            '\u019B' => '\uA7DC',
            '\u0264' => '\uA7CB',
            '\u1C8A' => '\u1C89',
            '\uA7CD' => '\uA7CC',
            '\uA7CF' => '\uA7CE',
            '\uA7D3' => '\uA7D2',
            '\uA7D5' => '\uA7D4',
            '\uA7DB' => '\uA7DA',
            _ => char.ToUpperInvariant(ch),
        };
        return upper < 128 ? ch : upper;
    }
}

/// <summary><c>URLSearchParams</c>: the application/x-www-form-urlencoded parser and serializer of the URL Standard.</summary>
internal static class UrlSearchParams
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Parses a URL's query (null for none) into its name/value pairs, in order.</summary>
    public static List<KeyValuePair<string, string>> Parse(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }

        return result;
    }

    /// <summary><c>searchParams.get(name)</c>: the first value, or null.</summary>
    public static string? Get(List<KeyValuePair<string, string>> pairs, string name)
    {
        foreach (var (key, value) in pairs)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The urlencoded serializer: <c>name=value</c> pairs joined by <c>&amp;</c>.</summary>
    public static string Serialize(List<KeyValuePair<string, string>> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            Encode(sb, key);
            sb.Append('=');
            Encode(sb, value);
        }

        return sb.ToString();
    }

    // '+' is a space, then percent-decoding to bytes, then UTF-8 decoding with U+FFFD for bad sequences.
    private static string Decode(string s)
    {
        if (s.AsSpan().IndexOfAny('+', '%') < 0)
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < s.Length && UrlTargeting.HexValue(s[i + 1]) >= 0 && UrlTargeting.HexValue(s[i + 2]) >= 0)
            {
                bytes.Add((byte)((UrlTargeting.HexValue(s[i + 1]) * 16) + UrlTargeting.HexValue(s[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // A query produced by the URL parser is ASCII; stay correct for any other text anyway.
                var end = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? i + 2 : i + 1;
                bytes.AddRange(Utf8.GetBytes(s[i..end]));
                i = end - 1;
            }
        }

        return Utf8.GetString([.. bytes]);
    }

    // The application/x-www-form-urlencoded percent-encode set, with space as '+'.
    private static void Encode(StringBuilder sb, string s)
    {
        foreach (var b in Utf8.GetBytes(s))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                sb.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                sb.Append('+');
            }
            else
            {
                WhatwgUrl.AppendPercentByte(sb, b);
            }
        }
    }
}

/// <summary>
/// A port of the WHATWG URL Standard's basic URL parser (what <c>new URL(input, base)</c> does in Node 20, whose
/// parser is Ada), so that the parts GrowthBook compares (href, origin, host, pathname, hash, query) come out as in JS.
/// International hosts go through <see cref="IdnMapping"/>, which follows UTS #46 closely but not in every corner.
/// Differential tests against Node 20 agree on tens of thousands of generated URLs; the known leftovers are exotic
/// (path normalization quirks of Ada for non-special schemes such as <c>sc:</c>, and labels like "-xn--…é").
/// </summary>
internal sealed class WhatwgUrl
{
    private const int Eof = -1;


    private WhatwgUrl()
    {
    }

    private enum State
    {
        SchemeStart,
        Scheme,
        NoScheme,
        SpecialRelativeOrAuthority,
        PathOrAuthority,
        Relative,
        RelativeSlash,
        SpecialAuthoritySlashes,
        SpecialAuthorityIgnoreSlashes,
        Authority,
        Host,
        Port,
        File,
        FileSlash,
        FileHost,
        PathStart,
        Path,
        OpaquePath,
        Query,
        Fragment,
    }

    private enum EncodeSet
    {
        C0Control,
        Fragment,
        Query,
        SpecialQuery,
        Path,
        Userinfo,
    }

    public string Scheme { get; private set; } = "";

    public string Username { get; private set; } = "";

    public string Password { get; private set; } = "";

    /// <summary>The serialized host (IPv6 in brackets), or null for none.</summary>
    public string? HostName { get; private set; }

    public int? Port { get; private set; }

    /// <summary>The query without <c>?</c>, or null for none.</summary>
    public string? Query { get; set; }

    /// <summary>The fragment without <c>#</c>, or null for none.</summary>
    public string? Fragment { get; private set; }

    private List<string> PathSegments { get; set; } = [];

    private string? OpaquePathValue { get; set; }

    private bool IsSpecial => DefaultPort(Scheme) != -2;

    /// <summary><c>url.host</c>: host and port, or "".</summary>
    public string HostWithPort => HostName is null ? "" : Port is null ? HostName : HostName + ":" + Port.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>url.pathname</c>.</summary>
    public string Pathname => OpaquePathValue ?? (PathSegments.Count == 0 ? "" : "/" + string.Join("/", PathSegments));

    /// <summary><c>url.hash</c>: "" when the fragment is null or empty.</summary>
    public string Hash => string.IsNullOrEmpty(Fragment) ? "" : "#" + Fragment;

    /// <summary><c>url.href</c>.</summary>
    public string Href
    {
        get
        {
            var sb = new StringBuilder(Scheme).Append(':');
            if (HostName is not null)
            {
                sb.Append("//");
                if (Username.Length > 0 || Password.Length > 0)
                {
                    sb.Append(Username);
                    if (Password.Length > 0)
                    {
                        sb.Append(':').Append(Password);
                    }

                    sb.Append('@');
                }

                sb.Append(HostWithPort);
            }
            else if (OpaquePathValue is null && PathSegments.Count > 1 && PathSegments[0].Length == 0)
            {
                sb.Append("/.");
            }

            sb.Append(Pathname);
            if (Query is not null)
            {
                sb.Append('?').Append(Query);
            }

            if (Fragment is not null)
            {
                sb.Append('#').Append(Fragment);
            }

            return sb.ToString();
        }
    }

    /// <summary><c>url.origin</c>: <c>scheme://host[:port]</c> for http(s), ws(s) and ftp; "null" when opaque.</summary>
    public string Origin
    {
        get
        {
            switch (Scheme)
            {
                case "http" or "https" or "ws" or "wss" or "ftp":
                    return Scheme + "://" + HostWithPort;
                case "blob":
                    var inner = Parse(Pathname, null);
                    return inner is not null && inner.Scheme is "http" or "https" ? inner.Origin : "null";
                default:
                    return "null";
            }
        }
    }

    /// <summary><c>new URL(input, base)</c>; null where JS throws.</summary>
    public static WhatwgUrl? Parse(string input, WhatwgUrl? baseUrl)
    {
        try
        {
            var url = new WhatwgUrl();
            return url.Run(ToCodePoints(input), baseUrl) ? url : null;
        }
        catch (ArgumentException)
        {
            // Defensive: IdnMapping and Rune report bad input this way; JS would throw a TypeError here.
            return null;
        }
    }

    internal static void AppendPercentByte(StringBuilder sb, byte b)
    {
        const string hex = "0123456789ABCDEF";
        sb.Append('%').Append(hex[b >> 4]).Append(hex[b & 0xF]);
    }

    // -2: not special; -1: special without a default port (file).
    private static int DefaultPort(string scheme) => scheme switch
    {
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        "ftp" => 21,
        "file" => -1,
        _ => -2,
    };

    // The input as code points (USVString: lone surrogates become U+FFFD), without leading and trailing C0 controls
    // and spaces, and without any tab or newline.
    private static int[] ToCodePoints(string input)
    {
        var start = 0;
        var end = input.Length;
        while (start < end && input[start] <= ' ')
        {
            start++;
        }

        while (end > start && input[end - 1] <= ' ')
        {
            end--;
        }

        var result = new List<int>(end - start);
        for (var i = start; i < end; i++)
        {
            var c = input[i];
            if (c is '\t' or '\n' or '\r')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(input[i + 1]))
            {
                result.Add(char.ConvertToUtf32(c, input[i + 1]));
                i++;
            }
            else
            {
                result.Add(char.IsSurrogate(c) ? 0xFFFD : c);
            }
        }

        return [.. result];
    }

    private static bool IsAsciiAlpha(int c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsAsciiDigit(int c) => c is >= '0' and <= '9';

    private static bool InSet(int c, EncodeSet set)
    {
        if (c < 0x20 || c > 0x7E)
        {
            return true;
        }

        return set switch
        {
            EncodeSet.C0Control => false,
            EncodeSet.Fragment => c is ' ' or '"' or '<' or '>' or '`',
            EncodeSet.Query => c is ' ' or '"' or '#' or '<' or '>',
            EncodeSet.SpecialQuery => c is ' ' or '"' or '#' or '<' or '>' or '\'',
            EncodeSet.Path => c is ' ' or '"' or '#' or '<' or '>' or '?' or '`' or '{' or '}',
            _ => c is ' ' or '"' or '#' or '<' or '>' or '?' or '`' or '{' or '}'
                or '/' or ':' or ';' or '=' or '@' or '[' or '\\' or ']' or '^' or '|',
        };
    }

    private static void AppendEncoded(StringBuilder sb, int c, EncodeSet set)
    {
        if (!InSet(c, set))
        {
            sb.Append((char)c);
            return;
        }

        Span<byte> bytes = stackalloc byte[4];
        var count = new Rune(c).EncodeToUtf8(bytes);
        for (var i = 0; i < count; i++)
        {
            AppendPercentByte(sb, bytes[i]);
        }
    }

    private static void AppendCodePoint(StringBuilder sb, int c)
    {
        if (c < 0x10000)
        {
            sb.Append((char)c);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(c));
        }
    }

    private static bool IsWindowsDriveLetter(string s, bool normalizedOnly)
        => s.Length == 2 && IsAsciiAlpha(s[0]) && (s[1] == ':' || (!normalizedOnly && s[1] == '|'));

    // "starts with a Windows drive letter": two code points forming one, then the end or one of / \ ? #.
    private static bool StartsWithWindowsDriveLetter(int[] cps, int from)
        => from >= 0 && cps.Length - from >= 2 && IsAsciiAlpha(cps[from]) && cps[from + 1] is ':' or '|'
            && (cps.Length - from == 2 || cps[from + 2] is '/' or '\\' or '?' or '#');

    private static bool IsSingleDot(string s) => s == "." || string.Equals(s, "%2e", StringComparison.OrdinalIgnoreCase);

    private static bool IsDoubleDot(string s) => s switch
    {
        ".." => true,
        _ when s.Length == 4 => string.Equals(s, ".%2e", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "%2e.", StringComparison.OrdinalIgnoreCase),
        _ when s.Length == 6 => string.Equals(s, "%2e%2e", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private void ShortenPath()
    {
        if (Scheme == "file" && PathSegments.Count == 1 && IsWindowsDriveLetter(PathSegments[0], normalizedOnly: true))
        {
            return;
        }

        if (PathSegments.Count > 0)
        {
            PathSegments.RemoveAt(PathSegments.Count - 1);
        }
    }

    // The basic URL parser; false on failure (then Parse gives null).
    private bool Run(int[] cps, WhatwgUrl? baseUrl)
    {
        var state = State.SchemeStart;
        var buffer = new StringBuilder();
        var bufferCodePoints = 0;
        var atSignSeen = false;
        var insideBrackets = false;
        var passwordTokenSeen = false;
        var opaquePath = new StringBuilder();
        var fragment = new StringBuilder();
        var n = cps.Length;
        var pointer = 0;
        while (true)
        {
            var c = pointer >= 0 && pointer < n ? cps[pointer] : Eof;
            int Remaining(int k) => pointer + k < n ? cps[pointer + k] : Eof;

            switch (state)
            {
                case State.SchemeStart:
                    if (IsAsciiAlpha(c))
                    {
                        buffer.Append(char.ToLowerInvariant((char)c));
                        state = State.Scheme;
                    }
                    else
                    {
                        state = State.NoScheme;
                        pointer--;
                    }

                    break;

                case State.Scheme:
                    if (IsAsciiAlpha(c) || IsAsciiDigit(c) || c is '+' or '-' or '.')
                    {
                        buffer.Append(char.ToLowerInvariant((char)c));
                    }
                    else if (c == ':')
                    {
                        Scheme = buffer.ToString();
                        buffer.Clear();
                        if (Scheme == "file")
                        {
                            state = State.File;
                        }
                        else if (IsSpecial && baseUrl is not null && baseUrl.Scheme == Scheme)
                        {
                            state = State.SpecialRelativeOrAuthority;
                        }
                        else if (IsSpecial)
                        {
                            state = State.SpecialAuthoritySlashes;
                        }
                        else if (Remaining(1) == '/')
                        {
                            state = State.PathOrAuthority;
                            pointer++;
                        }
                        else
                        {
                            OpaquePathValue = "";
                            state = State.OpaquePath;
                        }
                    }
                    else
                    {
                        buffer.Clear();
                        state = State.NoScheme;
                        pointer = -1;
                    }

                    break;

                case State.NoScheme:
                    if (baseUrl is null || (baseUrl.OpaquePathValue is not null && c != '#'))
                    {
                        return false;
                    }

                    if (baseUrl.OpaquePathValue is not null)
                    {
                        Scheme = baseUrl.Scheme;
                        OpaquePathValue = baseUrl.OpaquePathValue;
                        Query = baseUrl.Query;
                        Fragment = "";
                        state = State.Fragment;
                    }
                    else
                    {
                        state = baseUrl.Scheme != "file" ? State.Relative : State.File;
                        pointer--;
                    }

                    break;

                case State.SpecialRelativeOrAuthority:
                    if (c == '/' && Remaining(1) == '/')
                    {
                        state = State.SpecialAuthorityIgnoreSlashes;
                        pointer++;
                    }
                    else
                    {
                        state = State.Relative;
                        pointer--;
                    }

                    break;

                case State.PathOrAuthority:
                    if (c == '/')
                    {
                        state = State.Authority;
                    }
                    else
                    {
                        state = State.Path;
                        pointer--;
                    }

                    break;

                case State.Relative:
                    Scheme = baseUrl!.Scheme;
                    if (c == '/' || (IsSpecial && c == '\\'))
                    {
                        state = State.RelativeSlash;
                    }
                    else
                    {
                        Username = baseUrl.Username;
                        Password = baseUrl.Password;
                        HostName = baseUrl.HostName;
                        Port = baseUrl.Port;
                        PathSegments = [.. baseUrl.PathSegments];
                        Query = baseUrl.Query;
                        if (c == '?')
                        {
                            Query = "";
                            state = State.Query;
                        }
                        else if (c == '#')
                        {
                            Fragment = "";
                            state = State.Fragment;
                        }
                        else if (c != Eof)
                        {
                            Query = null;
                            ShortenPath();
                            state = State.Path;
                            pointer--;
                        }
                    }

                    break;

                case State.RelativeSlash:
                    if (IsSpecial && c is '/' or '\\')
                    {
                        state = State.SpecialAuthorityIgnoreSlashes;
                    }
                    else if (c == '/')
                    {
                        state = State.Authority;
                    }
                    else
                    {
                        Username = baseUrl!.Username;
                        Password = baseUrl.Password;
                        HostName = baseUrl.HostName;
                        Port = baseUrl.Port;
                        state = State.Path;
                        pointer--;
                    }

                    break;

                case State.SpecialAuthoritySlashes:
                    state = State.SpecialAuthorityIgnoreSlashes;
                    if (c == '/' && Remaining(1) == '/')
                    {
                        pointer++;
                    }
                    else
                    {
                        pointer--;
                    }

                    break;

                case State.SpecialAuthorityIgnoreSlashes:
                    if (c is not '/' and not '\\')
                    {
                        state = State.Authority;
                        pointer--;
                    }

                    break;

                case State.Authority:
                    if (c == '@')
                    {
                        if (atSignSeen)
                        {
                            buffer.Insert(0, "%40");
                        }

                        atSignSeen = true;
                        var userinfo = new StringBuilder();
                        var password = new StringBuilder();
                        foreach (var rune in buffer.ToString().EnumerateRunes())
                        {
                            if (rune.Value == ':' && !passwordTokenSeen)
                            {
                                passwordTokenSeen = true;
                                continue;
                            }

                            AppendEncoded(passwordTokenSeen ? password : userinfo, rune.Value, EncodeSet.Userinfo);
                        }

                        Username += userinfo.ToString();
                        Password += password.ToString();
                        buffer.Clear();
                        bufferCodePoints = 0;
                    }
                    else if (c is Eof or '/' or '?' or '#' || (IsSpecial && c == '\\'))
                    {
                        if (atSignSeen && buffer.Length == 0)
                        {
                            return false;
                        }

                        pointer -= bufferCodePoints + 1;
                        buffer.Clear();
                        bufferCodePoints = 0;
                        state = State.Host;
                    }
                    else
                    {
                        AppendCodePoint(buffer, c);
                        bufferCodePoints++;
                    }

                    break;

                case State.Host:
                    if (c == ':' && !insideBrackets)
                    {
                        if (buffer.Length == 0)
                        {
                            return false;
                        }

                        HostName = ParseHost(buffer.ToString(), !IsSpecial);
                        if (HostName is null)
                        {
                            return false;
                        }

                        buffer.Clear();
                        state = State.Port;
                    }
                    else if (c is Eof or '/' or '?' or '#' || (IsSpecial && c == '\\'))
                    {
                        pointer--;
                        if (IsSpecial && buffer.Length == 0)
                        {
                            return false;
                        }

                        HostName = ParseHost(buffer.ToString(), !IsSpecial);
                        if (HostName is null)
                        {
                            return false;
                        }

                        buffer.Clear();
                        state = State.PathStart;
                    }
                    else
                    {
                        if (c == '[')
                        {
                            insideBrackets = true;
                        }
                        else if (c == ']')
                        {
                            insideBrackets = false;
                        }

                        AppendCodePoint(buffer, c);
                    }

                    break;

                case State.Port:
                    if (IsAsciiDigit(c))
                    {
                        buffer.Append((char)c);
                    }
                    else if (c is Eof or '/' or '?' or '#' || (IsSpecial && c == '\\'))
                    {
                        if (buffer.Length > 0)
                        {
                            var port = 0;
                            foreach (var d in buffer.ToString())
                            {
                                port = (port * 10) + (d - '0');
                                if (port > 65535)
                                {
                                    return false;
                                }
                            }

                            Port = port == DefaultPort(Scheme) ? null : port;
                            buffer.Clear();
                        }

                        state = State.PathStart;
                        pointer--;
                    }
                    else
                    {
                        return false;
                    }

                    break;

                case State.File:
                    Scheme = "file";
                    HostName = "";
                    if (c is '/' or '\\')
                    {
                        state = State.FileSlash;
                    }
                    else if (baseUrl is not null && baseUrl.Scheme == "file")
                    {
                        HostName = baseUrl.HostName;
                        PathSegments = [.. baseUrl.PathSegments];
                        Query = baseUrl.Query;
                        if (c == '?')
                        {
                            Query = "";
                            state = State.Query;
                        }
                        else if (c == '#')
                        {
                            Fragment = "";
                            state = State.Fragment;
                        }
                        else if (c != Eof)
                        {
                            Query = null;
                            if (!StartsWithWindowsDriveLetter(cps, pointer))
                            {
                                ShortenPath();
                            }
                            else
                            {
                                PathSegments = [];
                            }

                            state = State.Path;
                            pointer--;
                        }
                    }
                    else
                    {
                        state = State.Path;
                        pointer--;
                    }

                    break;

                case State.FileSlash:
                    if (c is '/' or '\\')
                    {
                        state = State.FileHost;
                    }
                    else
                    {
                        if (baseUrl is not null && baseUrl.Scheme == "file")
                        {
                            HostName = baseUrl.HostName;
                            if (!StartsWithWindowsDriveLetter(cps, pointer) && baseUrl.PathSegments.Count > 0
                                && IsWindowsDriveLetter(baseUrl.PathSegments[0], normalizedOnly: true))
                            {
                                PathSegments.Add(baseUrl.PathSegments[0]);
                            }
                        }

                        state = State.Path;
                        pointer--;
                    }

                    break;

                case State.FileHost:
                    if (c is Eof or '/' or '\\' or '?' or '#')
                    {
                        pointer--;
                        var text = buffer.ToString();
                        if (IsWindowsDriveLetter(text, normalizedOnly: false))
                        {
                            // The Windows drive letter quirk: the buffer is kept and becomes the first path segment.
                            state = State.Path;
                        }
                        else if (text.Length == 0)
                        {
                            HostName = "";
                            state = State.PathStart;
                        }
                        else
                        {
                            var host = ParseHost(text, !IsSpecial);
                            if (host is null)
                            {
                                return false;
                            }

                            HostName = host == "localhost" ? "" : host;
                            buffer.Clear();
                            state = State.PathStart;
                        }
                    }
                    else
                    {
                        AppendCodePoint(buffer, c);
                    }

                    break;

                case State.PathStart:
                    if (IsSpecial)
                    {
                        state = State.Path;
                        if (c is not '/' and not '\\')
                        {
                            pointer--;
                        }
                    }
                    else if (c == '?')
                    {
                        Query = "";
                        state = State.Query;
                    }
                    else if (c == '#')
                    {
                        Fragment = "";
                        state = State.Fragment;
                    }
                    else if (c != Eof)
                    {
                        state = State.Path;
                        if (c != '/')
                        {
                            pointer--;
                        }
                    }

                    break;

                case State.Path:
                    if (c is Eof or '/' or '?' or '#' || (IsSpecial && c == '\\'))
                    {
                        var segment = buffer.ToString();
                        var slash = c == '/' || (IsSpecial && c == '\\');
                        if (IsDoubleDot(segment))
                        {
                            // Node 20's parser (Ada 2.9) leaves a non-special URL's path empty for a ".." at its root
                            // ("sc://x/.." → "sc://x"), where the standard would give "/".
                            var wasEmpty = PathSegments.Count == 0;
                            ShortenPath();
                            if (!slash && (IsSpecial || !wasEmpty))
                            {
                                PathSegments.Add("");
                            }
                        }
                        else if (IsSingleDot(segment))
                        {
                            if (!slash)
                            {
                                PathSegments.Add("");
                            }
                        }
                        else
                        {
                            if (Scheme == "file" && PathSegments.Count == 0 && IsWindowsDriveLetter(segment, normalizedOnly: false))
                            {
                                segment = segment[..1] + ":";
                            }

                            PathSegments.Add(segment);
                        }

                        buffer.Clear();
                        if (c == '?')
                        {
                            Query = "";
                            state = State.Query;
                        }
                        else if (c == '#')
                        {
                            Fragment = "";
                            state = State.Fragment;
                        }
                    }
                    else
                    {
                        AppendEncoded(buffer, c, EncodeSet.Path);
                    }

                    break;

                case State.OpaquePath:
                    if (c is Eof or '?' or '#')
                    {
                        OpaquePathValue = opaquePath.ToString();
                        if (c == '?')
                        {
                            Query = "";
                            state = State.Query;
                        }
                        else if (c == '#')
                        {
                            Fragment = "";
                            state = State.Fragment;
                        }
                    }
                    else
                    {
                        AppendEncoded(opaquePath, c, EncodeSet.C0Control);
                    }

                    break;

                case State.Query:
                    if (c is Eof or '#')
                    {
                        var sb = new StringBuilder(Query);
                        foreach (var rune in buffer.ToString().EnumerateRunes())
                        {
                            AppendEncoded(sb, rune.Value, IsSpecial ? EncodeSet.SpecialQuery : EncodeSet.Query);
                        }

                        Query = sb.ToString();
                        buffer.Clear();
                        if (c == '#')
                        {
                            Fragment = "";
                            state = State.Fragment;
                        }
                    }
                    else
                    {
                        AppendCodePoint(buffer, c);
                    }

                    break;

                case State.Fragment:
                    if (c == Eof)
                    {
                        Fragment += fragment.ToString();
                    }
                    else
                    {
                        AppendEncoded(fragment, c, EncodeSet.Fragment);
                    }

                    break;
            }

            if (pointer >= n)
            {
                return true;
            }

            pointer++;
        }
    }

    // The host parser; null for failure.
    private static string? ParseHost(string input, bool isOpaque)
    {
        if (input.StartsWith('['))
        {
            if (!input.EndsWith(']'))
            {
                return null;
            }

            var address = ParseIpv6(input[1..^1]);
            return address is null ? null : "[" + SerializeIpv6(address) + "]";
        }

        if (isOpaque)
        {
            var sb = new StringBuilder(input.Length);
            foreach (var rune in input.EnumerateRunes())
            {
                if (IsForbiddenHost(rune.Value) && rune.Value != '%')
                {
                    return null;
                }

                AppendEncoded(sb, rune.Value, EncodeSet.C0Control);
            }

            return sb.ToString();
        }

        var domain = PercentDecodeUtf8(input);
        var ascii = DomainToAscii(domain);
        if (ascii is null || ascii.Length == 0)
        {
            return null;
        }

        foreach (var ch in ascii)
        {
            if (IsForbiddenHost(ch) || ch <= 0x1F || ch is '%' or '\u007F')
            {
                return null;
            }
        }

        if (EndsInNumber(ascii))
        {
            var ipv4 = ParseIpv4(ascii);
            return ipv4 is null ? null : string.Join(".",
                ((ipv4.Value >> 24) & 0xFF).ToString(CultureInfo.InvariantCulture),
                ((ipv4.Value >> 16) & 0xFF).ToString(CultureInfo.InvariantCulture),
                ((ipv4.Value >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture),
                (ipv4.Value & 0xFF).ToString(CultureInfo.InvariantCulture));
        }

        return ascii;
    }

    private static bool IsForbiddenHost(int c)
        => c is 0 or '\t' or '\n' or '\r' or ' ' or '#' or '%' or '/' or ':' or '<' or '>' or '?' or '@' or '[' or '\\' or ']' or '^' or '|';

    private static string PercentDecodeUtf8(string input)
    {
        if (!input.Contains('%', StringComparison.Ordinal))
        {
            return input;
        }

        var bytes = new List<byte>(input.Length);
        var raw = Encoding.UTF8.GetBytes(input);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && UrlTargeting.HexValue((char)raw[i + 1]) >= 0 && UrlTargeting.HexValue((char)raw[i + 2]) >= 0)
            {
                bytes.Add((byte)((UrlTargeting.HexValue((char)raw[i + 1]) * 16) + UrlTargeting.HexValue((char)raw[i + 2])));
                i += 2;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return new UTF8Encoding(false, false).GetString([.. bytes]);
    }

    // UTS #46 ToASCII as the URL Standard calls it (CheckHyphens false, non-transitional, no DNS length checks). Code
    // points UTS #46 maps to nothing are dropped first; an ASCII label that does not start with "xn--" is then only
    // lowercased, and other labels go through IdnMapping.
    private static string? DomainToAscii(string domain)
    {
        var labels = domain.Split(['.', '\u3002', '\uFF0E', '\uFF61']);
        for (var i = 0; i < labels.Length; i++)
        {
            var label = RemoveIgnored(labels[i]);
            if (label.Length == 0)
            {
                labels[i] = "";
                continue;
            }

            var isAscii = true;
            foreach (var ch in label)
            {
                isAscii &= ch < 0x80;
            }

            if (isAscii)
            {
                var lower = label.ToLowerInvariant();
                if (lower.StartsWith("xn--", StringComparison.Ordinal) && !IsValidAceLabel(lower))
                {
                    return null;
                }

                labels[i] = lower;
                continue;
            }

            var ascii = LabelToAscii(label);
            if (ascii is null)
            {
                return null;
            }

            labels[i] = ascii;
        }

        return string.Join(".", labels);
    }

    // An ASCII "xn--" label as Node's parser checks it: the Punycode must decode to a non-empty label, and a
    // non-ASCII result must be a valid IDNA label (it converts back to the same ASCII form).
    private static bool IsValidAceLabel(string lower)
    {
        var decoded = PunycodeDecode(lower[4..]);
        if (decoded is null || decoded.Count == 0)
        {
            return false;
        }

        if (decoded.All(c => c < 0x80))
        {
            return true;
        }

        var unicode = new StringBuilder();
        foreach (var c in decoded)
        {
            AppendCodePoint(unicode, c);
        }

        return string.Equals(LabelToAscii(unicode.ToString()), lower, StringComparison.Ordinal);
    }

    // RFC 3492 Punycode decoding; null when the input is not valid Punycode.
    private static List<int>? PunycodeDecode(string input)
    {
        const int Base = 36, TMin = 1, TMax = 26, Skew = 38, Damp = 700;
        var delimiter = input.LastIndexOf('-');
        var output = new List<int>();
        for (var j = 0; j < Math.Max(delimiter, 0); j++)
        {
            output.Add(input[j]);
        }

        long n = 0x80;
        long i = 0;
        long bias = 72;
        var pos = delimiter > 0 ? delimiter + 1 : 0;
        while (pos < input.Length)
        {
            var oldi = i;
            long w = 1;
            for (long k = Base; ; k += Base)
            {
                if (pos >= input.Length)
                {
                    return null;
                }

                var ch = input[pos++];
                long digit = ch switch
                {
                    >= 'a' and <= 'z' => ch - 'a',
                    >= 'A' and <= 'Z' => ch - 'A',
                    >= '0' and <= '9' => ch - '0' + 26,
                    _ => -1,
                };
                if (digit < 0)
                {
                    return null;
                }

                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (i > int.MaxValue)
                {
                    return null;
                }

                if (digit < t)
                {
                    break;
                }

                w *= Base - t;
                if (w > int.MaxValue)
                {
                    return null;
                }
            }

            // Bias adaptation.
            var delta = oldi == 0 ? (i - oldi) / Damp : (i - oldi) / 2;
            delta += delta / (output.Count + 1);
            long kk = 0;
            while (delta > ((Base - TMin) * TMax) / 2)
            {
                delta /= Base - TMin;
                kk += Base;
            }

            bias = kk + (((Base - TMin + 1) * delta) / (delta + Skew));
            n += i / (output.Count + 1);
            i %= output.Count + 1;
            if (n > 0x10FFFF || n is >= 0xD800 and <= 0xDFFF)
            {
                return null;
            }

            output.Insert((int)i, (int)n);
            i++;
        }

        return output;
    }

    private static string? LabelToAscii(string label)
    {
        try
        {
            return NewIdnMapping().GetAscii(label).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
        }

        // IdnMapping enforces CheckHyphens, which the URL Standard turns off: map the label without its leading and
        // trailing '-' (hyphens map to themselves), then Punycode-encode the whole label.
        var core = label.Trim('-');
        if (core.Length == 0 || core.Length == label.Length || label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string mapped;
        try
        {
            var idn = NewIdnMapping();
            mapped = idn.GetUnicode(idn.GetAscii(core));
        }
        catch (ArgumentException)
        {
            return null;
        }

        var lead = label.Length - label.TrimStart('-').Length;
        var full = new string('-', lead) + mapped + new string('-', label.Length - lead - core.Length);
        var codePoints = full.EnumerateRunes().Select(r => r.Value).ToArray();
        return codePoints.All(c => c < 0x80) ? full.ToLowerInvariant() : "xn--" + Punycode(codePoints);
    }

    // IdnMapping does not document its instances as thread-safe; they are cheap, and only non-ASCII hosts need one.
    private static IdnMapping NewIdnMapping() => new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    // RFC 3492 Punycode encoding of one label.
    private static string Punycode(int[] input)
    {
        const int Base = 36, TMin = 1, TMax = 26, Skew = 38, Damp = 700;
        var output = new StringBuilder();
        foreach (var c in input)
        {
            if (c < 0x80)
            {
                output.Append((char)c);
            }
        }

        var b = output.Length;
        var h = b;
        if (b > 0)
        {
            output.Append('-');
        }

        long n = 0x80;
        long delta = 0;
        long bias = 72;
        static char Digit(long d) => (char)(d < 26 ? 'a' + d : '0' + (d - 26));
        while (h < input.Length)
        {
            long m = int.MaxValue;
            foreach (var c in input)
            {
                if (c >= n && c < m)
                {
                    m = c;
                }
            }

            delta += (m - n) * (h + 1);
            n = m;
            foreach (var c in input)
            {
                if (c < n)
                {
                    delta++;
                }
                else if (c == n)
                {
                    var q = delta;
                    for (long k = Base; ; k += Base)
                    {
                        var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                        if (q < t)
                        {
                            break;
                        }

                        output.Append(Digit(t + ((q - t) % (Base - t))));
                        q = (q - t) / (Base - t);
                    }

                    output.Append(Digit(q));

                    // Bias adaptation.
                    delta = h == b ? delta / Damp : delta / 2;
                    delta += delta / (h + 1);
                    long kk = 0;
                    while (delta > ((Base - TMin) * TMax) / 2)
                    {
                        delta /= Base - TMin;
                        kk += Base;
                    }

                    bias = kk + (((Base - TMin + 1) * delta) / (delta + Skew));
                    delta = 0;
                    h++;
                }
            }

            delta++;
            n++;
        }

        return output.ToString();
    }

    // The code points UTS #46 maps to nothing ("ignored"): soft hyphen, joiner controls, variation selectors, BOM.
    private static string RemoveIgnored(string label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (var rune in label.EnumerateRunes())
        {
            var c = rune.Value;
            if (c is 0xAD or 0x34F or (>= 0x180B and <= 0x180D) or 0x180F or 0x200B or 0x2060 or 0x2064
                or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF or (>= 0x1BCA0 and <= 0x1BCA3) or (>= 0xE0100 and <= 0xE01EF))
            {
                continue;
            }

            AppendCodePoint(sb, c);
        }

        return sb.ToString();
    }

    private static bool EndsInNumber(string host)
    {
        var parts = host.Split('.');
        var count = parts.Length;
        if (parts[^1].Length == 0)
        {
            if (count == 1)
            {
                return false;
            }

            count--;
        }

        var last = parts[count - 1];
        if (last.Length > 0 && last.All(ch => ch is >= '0' and <= '9'))
        {
            return true;
        }

        return ParseIpv4Number(last) is not null;
    }

    // The IPv4 number parser: 0x… is hex, 0… is octal; values saturate well above 2^32 so a long one still fails.
    private static long? ParseIpv4Number(string input)
    {
        if (input.Length == 0)
        {
            return null;
        }

        var radix = 10;
        if (input.Length >= 2 && input[0] == '0' && input[1] is 'x' or 'X')
        {
            input = input[2..];
            radix = 16;
        }
        else if (input.Length >= 2 && input[0] == '0')
        {
            input = input[1..];
            radix = 8;
        }

        long value = 0;
        foreach (var ch in input)
        {
            var digit = UrlTargeting.HexValue(ch);
            if (digit < 0 || digit >= radix)
            {
                return null;
            }

            value = Math.Min((value * radix) + digit, 1L << 40);
        }

        return value;
    }

    private static uint? ParseIpv4(string input)
    {
        var parts = input.Split('.').ToList();
        if (parts[^1].Length == 0 && parts.Count > 1)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count > 4)
        {
            return null;
        }

        var numbers = new long[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var number = ParseIpv4Number(parts[i]);
            if (number is null || (i < parts.Count - 1 && number > 255))
            {
                return null;
            }

            numbers[i] = number.Value;
        }

        if (numbers[^1] >= 1L << (8 * (5 - numbers.Length)))
        {
            return null;
        }

        var ipv4 = numbers[^1];
        for (var i = 0; i < numbers.Length - 1; i++)
        {
            ipv4 += numbers[i] << (8 * (3 - i));
        }

        return (uint)ipv4;
    }

    private static ushort[]? ParseIpv6(string input)
    {
        var address = new ushort[8];
        var pieceIndex = 0;
        int? compress = null;
        var pointer = 0;
        int C(int p) => p < input.Length ? input[p] : Eof;

        if (C(pointer) == ':')
        {
            if (C(pointer + 1) != ':')
            {
                return null;
            }

            pointer += 2;
            pieceIndex++;
            compress = pieceIndex;
        }

        while (C(pointer) != Eof)
        {
            if (pieceIndex == 8)
            {
                return null;
            }

            if (C(pointer) == ':')
            {
                if (compress is not null)
                {
                    return null;
                }

                pointer++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }

            var value = 0;
            var length = 0;
            while (length < 4 && C(pointer) != Eof && UrlTargeting.HexValue((char)C(pointer)) >= 0)
            {
                value = (value * 0x10) + UrlTargeting.HexValue((char)C(pointer));
                pointer++;
                length++;
            }

            if (C(pointer) == '.')
            {
                if (length == 0)
                {
                    return null;
                }

                pointer -= length;
                if (pieceIndex > 6)
                {
                    return null;
                }

                var numbersSeen = 0;
                while (C(pointer) != Eof)
                {
                    int? ipv4Piece = null;
                    if (numbersSeen > 0)
                    {
                        if (C(pointer) == '.' && numbersSeen < 4)
                        {
                            pointer++;
                        }
                        else
                        {
                            return null;
                        }
                    }

                    if (!IsAsciiDigit(C(pointer)))
                    {
                        return null;
                    }

                    while (IsAsciiDigit(C(pointer)))
                    {
                        var number = C(pointer) - '0';
                        if (ipv4Piece is null)
                        {
                            ipv4Piece = number;
                        }
                        else if (ipv4Piece == 0)
                        {
                            return null;
                        }
                        else
                        {
                            ipv4Piece = (ipv4Piece * 10) + number;
                        }

                        if (ipv4Piece > 255)
                        {
                            return null;
                        }

                        pointer++;
                    }

                    address[pieceIndex] = (ushort)((address[pieceIndex] * 0x100) + ipv4Piece!.Value);
                    numbersSeen++;
                    if (numbersSeen is 2 or 4)
                    {
                        pieceIndex++;
                    }
                }

                if (numbersSeen != 4)
                {
                    return null;
                }

                break;
            }
            else if (C(pointer) == ':')
            {
                pointer++;
                if (C(pointer) == Eof)
                {
                    return null;
                }
            }
            else if (C(pointer) != Eof)
            {
                return null;
            }

            address[pieceIndex] = (ushort)value;
            pieceIndex++;
        }

        if (compress is not null)
        {
            var swaps = pieceIndex - compress.Value;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0)
            {
                (address[pieceIndex], address[compress.Value + swaps - 1]) = (address[compress.Value + swaps - 1], address[pieceIndex]);
                pieceIndex--;
                swaps--;
            }
        }
        else if (pieceIndex != 8)
        {
            return null;
        }

        return address;
    }

    private static string SerializeIpv6(ushort[] address)
    {
        // Compress the first longest run of two or more zero pieces.
        int? compress = null;
        var bestLength = 1;
        for (var i = 0; i < 8;)
        {
            if (address[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && address[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestLength = i - start;
                compress = start;
            }
        }

        var sb = new StringBuilder();
        var ignore0 = false;
        for (var i = 0; i < 8; i++)
        {
            if (ignore0 && address[i] == 0)
            {
                continue;
            }

            ignore0 = false;
            if (compress == i)
            {
                sb.Append(i == 0 ? "::" : ":");
                ignore0 = true;
                continue;
            }

            sb.Append(address[i].ToString("x", CultureInfo.InvariantCulture));
            if (i != 7)
            {
                sb.Append(':');
            }
        }

        return sb.ToString();
    }
}
