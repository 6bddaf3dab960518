namespace GrowthBook.FeatureManagement.Evaluation;

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
                tokens.Add(JsCaseFolding.Canonicalize(pattern[i]));
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
                if (JsCaseFolding.Canonicalize(actual[i]) != _tokens[i])
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
                    _ => i > 0 && reach[i - 1] && JsCaseFolding.Canonicalize(actual[i - 1]) == token,
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
}
