using GrowthBook.FeatureManagement.JavaScript.Url;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>The <c>type</c> of one <c>urlPatterns</c> entry.</summary>
internal enum UrlPatternKind
{
    /// <summary><c>"simple"</c>: a URL with <c>*</c> wildcards, compared part by part (host, path, hash, query params).</summary>
    Simple,

    /// <summary><c>"regex"</c>: a JS regular expression tested against the href and against path+query+hash.</summary>
    Regex,

    /// <summary>An entry that never matches: another type, a pattern that is not a string, an entry that is not an object.</summary>
    Never,
}

/// <summary>
/// One entry of an experiment's <c>urlPatterns</c>: <c>{ type, pattern, include? }</c>. JS excludes only when
/// <c>include === false</c>, so a missing (or non-boolean) <c>include</c> must be read as <c>true</c>.
/// </summary>
internal sealed record UrlPattern(UrlPatternKind Kind, string Pattern, bool Include);

/// <summary>
/// An experiment's <c>urlPatterns</c>, compiled once: JS <c>isURLTargeted(url, patterns)</c> (docs/engine.md, "URL targeting").
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
            _patterns[i] = patterns[i].Kind switch
            {
                UrlPatternKind.Regex => new RegexPattern(patterns[i].Include, CreateRegex(patterns[i].Pattern)),
                UrlPatternKind.Simple => SimplePattern.Create(patterns[i].Include, patterns[i].Pattern),
                _ => new NeverPattern(patterns[i].Include),
            };
        }
    }

    /// <summary>
    /// An experiment's <c>urlPatterns</c> as the JS SDK reads them: null when falsy (no URL targeting). Every entry
    /// counts, as <c>isURLTargeted</c> reads <c>type</c>, <c>pattern</c> and <c>include</c> of each: one that is not an
    /// object, or whose pattern is not a string or whose type is neither "simple" nor "regex", never matches, and is
    /// an include rule unless its <c>include</c> is <c>false</c>. So excludes plus one malformed entry target nobody.
    /// A <c>null</c> entry, on which JS throws a TypeError, counts the same way (docs/engine.md, "URL targeting").
    /// </summary>
    /// <exception cref="PayloadFormatException">The value is truthy but not an array (the rule is malformed).</exception>
    public static UrlTargeter? Compile(in JsValue urlPatterns)
    {
        if (!urlPatterns.IsTruthy)
        {
            return null;
        }

        if (urlPatterns.Type != JsType.Array)
        {
            throw JsRead.Wrong("urlPatterns", "an array");
        }

        var patterns = new List<UrlPattern>();
        foreach (var item in urlPatterns.ArrayValue)
        {
            if (item.Type != JsType.Object)
            {
                patterns.Add(new UrlPattern(UrlPatternKind.Never, "", Include: true));
                continue;
            }

            var entry = item.ObjectValue;
            var type = entry["type"];
            var pattern = entry["pattern"];
            var include = entry["include"].Type != JsType.Boolean || entry["include"].BooleanValue;
            var kind = pattern.Type != JsType.String || type.Type != JsType.String ? UrlPatternKind.Never
                : type.StringValue switch
                {
                    "regex" => UrlPatternKind.Regex,
                    "simple" => UrlPatternKind.Simple,
                    _ => UrlPatternKind.Never,
                };
            patterns.Add(new UrlPattern(kind, kind == UrlPatternKind.Never ? "" : pattern.StringValue, include));
        }

        return new UrlTargeter(patterns);
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
