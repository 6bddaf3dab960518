using System.Globalization;
using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// Builds .NET regexes that behave like JavaScript's <c>new RegExp(pattern, flags)</c> as far as .NET can,
/// with a match timeout so a catastrophic pattern from remote data cannot stall a request.
/// </summary>
internal static class JsRegex
{
    /// <summary>How long one match may run before it counts as "no match".</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns null when the pattern is not a valid regex (the operator is then false, as in JS).</summary>
    public static Regex? TryCreate(string pattern, bool ignoreCase)
    {
        // Case folding must not depend on the machine's culture (Turkish 'I'): build under the invariant culture.
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var flags = ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None;
            try
            {
                // ECMAScript mode gives JS meanings to \d, \w, \s and back-references.
                return new Regex(pattern, flags | RegexOptions.ECMAScript, MatchTimeout);
            }
            catch (ArgumentException)
            {
                // Constructs ECMAScript mode refuses (lookbehind, named groups, \p{…}) but JS allows.
                try
                {
                    return new Regex(pattern, flags | RegexOptions.CultureInvariant, MatchTimeout);
                }
                catch (ArgumentException)
                {
                    return null;
                }
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
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
}
