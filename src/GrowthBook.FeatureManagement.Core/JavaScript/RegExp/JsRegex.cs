using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// A regex that matches exactly what JavaScript's <c>new RegExp(pattern, flags)</c> matches, as the JS SDK builds it
/// (<c>getRegex</c>: every <c>/</c> not preceded by <c>\</c> is escaped first), with no flag or <c>i</c>
/// (docs/engine.md, "Regular expressions").
/// </summary>
/// <remarks>
/// <para>
/// Creating one only parses the pattern (so an invalid one is known at payload load); the engine that matches it is
/// built on the first <see cref="Test"/>, once, and instances are shared per (pattern, flag) across payloads.
/// Which engine is chosen from the pattern alone, so an answer depends only on the pattern and the input:
/// </para>
/// <list type="bullet">
/// <item>no back-reference, lookaround or word boundary: .NET's linear-time engine
/// (<see cref="RegexOptions.NonBacktracking"/>) on the translated pattern (<see cref="NetPattern"/>);</item>
/// <item>otherwise the engine's own matcher (<see cref="RegexInterpreter"/>), memoized when the pattern has no
/// back-reference; past its step budget a test answers false.</item>
/// </list>
/// </remarks>
internal sealed class JsRegex
{
    // Shared instances; a payload with more distinct patterns than this still works, the cache just starts over.
    private const int MaxCached = 4096;

    private static readonly ConcurrentDictionary<(string Pattern, bool IgnoreCase), JsRegex> Cache = new();

    private readonly RegexNode _root;
    private readonly int _groupCount;
    private readonly bool _ignoreCase;
    private Func<string, bool>? _test;

    private JsRegex(RegexNode root, int groupCount, bool ignoreCase)
    {
        _root = root;
        _groupCount = groupCount;
        _ignoreCase = ignoreCase;
    }

    /// <summary>
    /// Whether tests of this pattern run under a step budget that a pattern with back-references can exhaust (then a
    /// test answers false where JavaScript, given long enough, might answer true). Known once the pattern is parsed.
    /// </summary>
    public bool HasBudget { get; private init; }

    /// <summary>
    /// For a pattern that <see cref="HasBudget"/>, the warning a payload reports once (docs/engine.md, "Regular
    /// expressions"); otherwise null.
    /// </summary>
    public string? BudgetWarning { get; private init; }

    /// <summary>Returns null when JavaScript's <c>RegExp</c> constructor would throw for this pattern (the operator is then false).</summary>
    public static JsRegex? TryCreate(string pattern, bool ignoreCase)
    {
        if (Cache.TryGetValue((pattern, ignoreCase), out var cached))
        {
            return cached;
        }

        var regex = Create(EscapeSlashes(pattern), ignoreCase);
        if (regex is not null)
        {
            if (Cache.Count >= MaxCached)
            {
                Cache.Clear();
            }

            regex = Cache.GetOrAdd((pattern, ignoreCase), regex);
        }

        return regex;
    }

    /// <summary>Whether the matching engine has been built (by the first <see cref="Test"/>).</summary>
    internal bool IsBuilt => Volatile.Read(ref _test) is not null;

    /// <summary><c>regex.test(input)</c>.</summary>
    public bool Test(string input)
    {
        var test = Volatile.Read(ref _test) ?? Build();
        return test(input);
    }

    // getRegex: regex.replace(/([^\\])\//g, "$1\\/"). Matches do not overlap, so in "a//" only the first slash is
    // escaped. Without the u flag "\/" and "/" match the same, but the text JS compiles is the one parsed here.
    private static string EscapeSlashes(string pattern)
    {
        if (!pattern.Contains('/', StringComparison.Ordinal))
        {
            return pattern;
        }

        var sb = new System.Text.StringBuilder(pattern.Length + 4);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (i + 1 < pattern.Length && pattern[i] != '\\' && pattern[i + 1] == '/')
            {
                sb.Append(pattern[i]).Append("\\/");
                i++;
            }
            else
            {
                sb.Append(pattern[i]);
            }
        }

        return sb.ToString();
    }

    private static JsRegex? Create(string pattern, bool ignoreCase)
    {
        try
        {
            return DeepStack.Run(() =>
            {
                var (root, groups) = RegexParser.Parse(pattern, ignoreCase);
                var budget = NeedsFullMode(root, groups, ignoreCase);
                return new JsRegex(root, groups, ignoreCase)
                {
                    HasBudget = budget,
                    BudgetWarning = budget
                        ? string.Create(CultureInfo.InvariantCulture, $"the regular expression /{Shorten(pattern)}/{(ignoreCase ? "i" : "")} runs under a step budget (back-references): a test that needs more than {RegexInterpreter.BaseBudget:N0} steps plus one per instruction and input position answers no match")
                        : null,
                };
            });
        }
        catch (RegexSyntaxException)
        {
            return null;
        }
        catch (InsufficientExecutionStackException)
        {
            return null; // nested beyond even a large stack; V8 rejects far shallower patterns (docs/engine.md)
        }
    }

    private static string Shorten(string pattern) => pattern.Length <= 80 ? pattern : pattern[..77] + "...";

    private static bool NeedsFullMode(RegexNode root, int groups, bool ignoreCase)
        => NetPattern.TryWrite(root) is null && !RegexProgram.Compile(root, groups, ignoreCase).Memoized;

    private Func<string, bool> Build()
    {
        var test = DeepStack.Run(CreateEngine);
        return Interlocked.CompareExchange(ref _test, test, null) ?? test;
    }

    private Func<string, bool> CreateEngine()
    {
        if (NetPattern.TryWrite(_root) is { } net)
        {
            try
            {
                var regex = new Regex(net, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                return regex.IsMatch;
            }
            catch (NotSupportedException)
            {
                // A counted repetition too large for the linear-time engine: the own matcher takes it.
            }
            catch (ArgumentException)
            {
            }
        }

        var program = RegexProgram.Compile(_root, _groupCount, _ignoreCase);
        return input =>
        {
            try
            {
                return DeepStack.Run(() => RegexInterpreter.Test(program, input));
            }
            catch (RegexBudgetExceededException)
            {
                return false;
            }
            catch (InsufficientExecutionStackException)
            {
                return false;
            }
        };
    }
}
