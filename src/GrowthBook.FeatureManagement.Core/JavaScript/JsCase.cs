using System.Text;
using GrowthBook.FeatureManagement.JavaScript.Unicode;

namespace GrowthBook.FeatureManagement.JavaScript;

/// <summary>
/// JavaScript's <c>String.prototype.toLowerCase</c>, which the case-insensitive operators use (<c>$ini</c>,
/// <c>$nini</c>, <c>$alli</c>): Unicode's full, locale-independent lowercase mapping, from the shipped case table
/// (docs/engine.md, "Case"). It differs from <see cref="string.ToLowerInvariant"/> in the full mappings (<c>İ</c>
/// becomes <c>"i\u0307"</c>), in the final sigma (<c>"ΣΑΣ"</c> lowercases to <c>"σας"</c>), and in the Unicode version.
/// </summary>
internal static class JsCase
{
    private const char CapitalSigma = '\u03A3';

    public static string ToLowerCase(string s)
    {
        // ASCII needs no table (ToLowerInvariant lowers A-Z alone there, in every globalization mode); most attribute
        // values are ASCII.
        var i = s.AsSpan().IndexOfAnyExceptInRange('\0', '\u007F');
        if (i < 0)
        {
            return s.ToLowerInvariant();
        }

        var tables = CaseTables.Value;
        var sb = new StringBuilder(s.Length + 4);
        sb.Append(s.AsSpan(0, i).ToString().ToLowerInvariant());
        while (i < s.Length)
        {
            var start = i;
            var cp = CodePointAt(s, ref i);
            if (cp < 0x80)
            {
                sb.Append(char.IsAsciiLetterUpper((char)cp) ? (char)(cp | 0x20) : (char)cp);
            }
            else if (cp == CapitalSigma)
            {
                sb.Append(IsFinalSigma(s, start, tables) ? '\u03C2' : '\u03C3');
            }
            else if (tables.Lower(cp) is { } lower)
            {
                sb.Append(lower);
            }
            else
            {
                sb.Append(s, start, i - start);
            }
        }

        return sb.ToString();
    }

    // Unicode's Final_Sigma context (Unicode §3.13): a cased letter comes before the sigma and none comes after it,
    // skipping case-ignorable characters both ways. A character that is both (ʰ, ͅ) is skipped, as ICU skips it.
    private static bool IsFinalSigma(string s, int at, CaseTables tables)
    {
        var preceded = false;
        for (var i = at; i > 0;)
        {
            var cp = CodePointBefore(s, ref i);
            if (!tables.CaseIgnorable.Contains(cp))
            {
                preceded = tables.Cased.Contains(cp);
                break;
            }
        }

        if (!preceded)
        {
            return false;
        }

        for (var i = at + 1; i < s.Length;)
        {
            var cp = CodePointAt(s, ref i);
            if (!tables.CaseIgnorable.Contains(cp))
            {
                return !tables.Cased.Contains(cp);
            }
        }

        return true;
    }

    private static int CodePointAt(string s, ref int i)
    {
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            var cp = char.ConvertToUtf32(s[i], s[i + 1]);
            i += 2;
            return cp;
        }

        return s[i++];
    }

    private static int CodePointBefore(string s, ref int i)
    {
        if (char.IsLowSurrogate(s[i - 1]) && i >= 2 && char.IsHighSurrogate(s[i - 2]))
        {
            i -= 2;
            return char.ConvertToUtf32(s[i], s[i + 1]);
        }

        return s[--i];
    }
}
