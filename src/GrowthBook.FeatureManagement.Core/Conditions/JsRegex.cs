using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// Builds .NET regexes that match exactly what JavaScript's <c>new RegExp(pattern, flags)</c> matches (the JS SDK's
/// <c>getRegex</c>, ENGINE-NOTES §2.1), with a match timeout so a catastrophic pattern from remote data cannot
/// stall a request. The pattern is translated from JavaScript's syntax by <see cref="JsRegexTranslator"/>.
/// </summary>
internal static partial class JsRegex
{
    /// <summary>How long one match may run before it counts as "no match".</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns null when the pattern is not a valid regex (the operator is then false, as in JS).</summary>
    public static Regex? TryCreate(string pattern, bool ignoreCase)
    {
        // getRegex escapes every "/" that follows a character other than "\" before compiling. Without the u flag
        // "\/" and "/" are the same, but the step is kept so the translated text is the one JS compiles.
        var escaped = UnescapedSlash().Replace(pattern, "$1\\/");
        var translated = JsRegexTranslator.TryTranslate(escaped, ignoreCase);
        if (translated is null)
        {
            return null;
        }

        try
        {
            // The translation spells out every class, so no IgnoreCase (whose foldings are not JS's) is needed;
            // CultureInvariant only governs case-insensitive back-references.
            return new Regex(translated, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary><c>regex.test(input)</c>; a match that times out counts as false.</summary>
    public static bool Test(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"([^\\])/", RegexOptions.CultureInvariant)]
    private static partial Regex UnescapedSlash();
}
