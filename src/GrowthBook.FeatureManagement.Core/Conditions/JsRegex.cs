using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// A regex that matches exactly what JavaScript's <c>new RegExp(pattern, flags)</c> matches (the JS SDK's
/// <c>getRegex</c>, ENGINE-NOTES §2.1), translated from JavaScript's syntax by <see cref="JsRegexTranslator"/>, and
/// guarded so a catastrophic pattern from remote data cannot stall a request.
/// </summary>
/// <remarks>
/// A backtracking match runs with a short timeout. When one times out, the same pattern is run on .NET's linear-time
/// engine (<see cref="RegexOptions.NonBacktracking"/>), which gives the same match/no-match answer without
/// catastrophic backtracking, and that engine serves every later match of the pattern. So a timeout caused by a
/// stalled thread (a GC pause, a starved machine) does not turn into a wrong answer, and a hostile pattern costs one
/// timeout, not one per match. Patterns the linear engine cannot run (back-references, lookarounds) count a timed-out
/// match as "no match".
/// </remarks>
internal sealed partial class JsRegex
{
    /// <summary>How long one backtracking match may run before the linear-time engine takes over.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(25);

    /// <summary>The linear-time engine's timeout: reached only by a thread stalled far beyond any real match.</summary>
    private static readonly TimeSpan LinearMatchTimeout = TimeSpan.FromSeconds(2);

    private readonly Regex _backtracking;
    private readonly string _translated;
    private Regex? _linear;
    private int _linearState; // 0: not needed yet, 1: serving every match, 2: the pattern is not supported by it

    private JsRegex(Regex backtracking, string translated)
    {
        _backtracking = backtracking;
        _translated = translated;
    }

    /// <summary>Returns null when the pattern is not a valid regex (the operator is then false, as in JS).</summary>
    public static JsRegex? TryCreate(string pattern, bool ignoreCase)
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
            return new JsRegex(new Regex(translated, RegexOptions.CultureInvariant, MatchTimeout), translated);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary><c>regex.test(input)</c>.</summary>
    public bool Test(string input)
    {
        if (Volatile.Read(ref _linearState) == 1)
        {
            return TestLinear(input);
        }

        try
        {
            return _backtracking.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return SwitchToLinear() && TestLinear(input);
        }
    }

    private bool SwitchToLinear()
    {
        if (Volatile.Read(ref _linearState) == 0)
        {
            try
            {
                Volatile.Write(ref _linear, new Regex(_translated, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, LinearMatchTimeout));
                Volatile.Write(ref _linearState, 1);
            }
            catch (NotSupportedException)
            {
                Volatile.Write(ref _linearState, 2);
            }
        }

        return Volatile.Read(ref _linearState) == 1;
    }

    private bool TestLinear(string input)
    {
        try
        {
            return Volatile.Read(ref _linear)!.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"([^\\])/", RegexOptions.CultureInvariant)]
    private static partial Regex UnescapedSlash();
}
