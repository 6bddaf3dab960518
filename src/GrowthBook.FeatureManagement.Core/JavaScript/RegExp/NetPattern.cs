using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// Writes a parsed pattern that needs neither back-references, lookarounds nor word boundaries as a .NET pattern for
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/>, which finds a match, when there is one,
/// in time linear in the input. Only constructs with one meaning in .NET are written: every class as explicit
/// code-unit ranges (already closed under JS case folding, so no <c>RegexOptions.IgnoreCase</c>), <c>$</c> as
/// <c>\z</c>, groups as non-capturing groups.
/// </summary>
internal static class NetPattern
{
    /// <summary>The .NET pattern, or null when the pattern needs the engine's own matcher.</summary>
    public static string? TryWrite(RegexNode root)
    {
        var sb = new StringBuilder();
        return Write(root, sb) ? sb.ToString() : null;
    }

    private static bool Write(RegexNode node, StringBuilder sb)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case CharNode c:
                sb.Append(c.Set.ToNetAtom());
                return true;
            case SequenceNode s:
                return s.Terms.All(t => Write(t, sb));
            case AlternationNode a:
                sb.Append("(?:");
                for (var i = 0; i < a.Alternatives.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append('|');
                    }

                    if (!Write(a.Alternatives[i], sb))
                    {
                        return false;
                    }
                }

                sb.Append(')');
                return true;
            case GroupNode g:
                sb.Append("(?:");
                if (!Write(g.Body, sb))
                {
                    return false;
                }

                sb.Append(')');
                return true;
            case AssertionNode { Kind: AssertionKind.Start }:
                sb.Append('^'); // without RegexOptions.Multiline: the start of the input only
                return true;
            case AssertionNode { Kind: AssertionKind.End }:
                sb.Append("\\z"); // JS `$` (no m flag) is the end of input, never "before a final \n"
                return true;
            case QuantifierNode q:
                if (q.Max == 0)
                {
                    return true; // never tried
                }

                sb.Append("(?:");
                if (!Write(q.Body, sb))
                {
                    return false;
                }

                sb.Append("){").Append(q.Min.ToString(CultureInfo.InvariantCulture)).Append(',');
                if (q.Max != int.MaxValue)
                {
                    sb.Append(q.Max.ToString(CultureInfo.InvariantCulture));
                }

                sb.Append('}');
                return true;
            default:
                return false; // \b, \B, lookarounds, back-references
        }
    }
}
