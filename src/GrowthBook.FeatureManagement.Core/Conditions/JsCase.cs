using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// JavaScript's <c>String.prototype.toLowerCase</c>, which the case-insensitive operators use (<c>$ini</c>,
/// <c>$nini</c>, <c>$alli</c>; ENGINE-NOTES §2.1). It is Unicode's full, locale-independent lowercase mapping
/// (V8 hands it to ICU). <see cref="string.ToLowerInvariant"/> is the simple mapping, which differs in exactly
/// two places: <c>İ</c> (U+0130) becomes <c>"i\u0307"</c>, and a capital sigma at the end of a word becomes
/// the final form <c>ς</c>, so <c>"ΣΑΣ"</c> lowercases to <c>"σας"</c>, not <c>"σασ"</c>.
/// </summary>
internal static class JsCase
{
    private const char CapitalSigma = '\u03A3';
    private const char DottedCapitalI = '\u0130';

    public static string ToLowerCase(string s)
    {
        var special = s.AsSpan().IndexOfAny(CapitalSigma, DottedCapitalI);
        if (special < 0)
        {
            return s.ToLowerInvariant();
        }

        var sb = new StringBuilder(s.Length + 1);
        var start = 0;
        for (var i = special; i < s.Length; i++)
        {
            var c = s[i];
            if (c is not (CapitalSigma or DottedCapitalI))
            {
                continue;
            }

            sb.Append(s.AsSpan(start, i - start).ToString().ToLowerInvariant());
            sb.Append(c == DottedCapitalI ? "i\u0307" : IsFinalSigma(s, i) ? "\u03C2" : "\u03C3");
            start = i + 1;
        }

        sb.Append(s.AsSpan(start).ToString().ToLowerInvariant());
        return sb.ToString();
    }

    // Unicode's Final_Sigma context (Unicode §3.13), as ICU tests it: a cased letter comes before the sigma
    // and none comes after it, skipping case-ignorable characters both ways. A character that is both
    // (ᴬ, ͅ, ʰ: modifier letters and marks that are Other_Lowercase) is skipped, as ICU skips it.
    private static bool IsFinalSigma(string s, int at)
    {
        var preceded = false;
        for (var i = at; i > 0;)
        {
            var cp = CodePointBefore(s, ref i);
            if (!IsCaseIgnorable(cp))
            {
                preceded = IsCased(cp);
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
            if (!IsCaseIgnorable(cp))
            {
                return !IsCased(cp);
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

    // Cased: Lowercase or Uppercase (the categories plus Other_Lowercase / Other_Uppercase), or titlecase.
    private static bool IsCased(int cp)
    {
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
                return true;
        }

        foreach (var (first, last) in OtherCased)
        {
            if (cp < first)
            {
                return false;
            }

            if (cp <= last)
            {
                return true;
            }
        }

        return false;
    }

    // Case_Ignorable: Mn, Me, Cf, Lm, Sk, and the word-break MidLetter / MidNumLet / Single_Quote characters.
    private static bool IsCaseIgnorable(int cp)
    {
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.ModifierSymbol:
                return true;
        }

        return cp is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u055F' or '\u05F4' or '\u2018' or '\u2019'
            or '\u2024' or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A';
    }

    // Other_Lowercase and Other_Uppercase (PropList.txt), sorted, which the general categories above miss.
    private static readonly (int First, int Last)[] OtherCased =
    [
        (0x00AA, 0x00AA), (0x00BA, 0x00BA), (0x02B0, 0x02B8), (0x02C0, 0x02C1), (0x02E0, 0x02E4), (0x0345, 0x0345),
        (0x037A, 0x037A), (0x10FC, 0x10FC), (0x1D2C, 0x1D6A), (0x1D78, 0x1D78), (0x1D9B, 0x1DBF), (0x2071, 0x2071),
        (0x207F, 0x207F), (0x2090, 0x209C), (0x2160, 0x217F), (0x24B6, 0x24E9), (0x2C7C, 0x2C7D), (0xA69C, 0xA69D),
        (0xA770, 0xA770), (0xA7F2, 0xA7F4), (0xA7F8, 0xA7F9), (0xAB5C, 0xAB5F), (0xAB69, 0xAB69), (0x10780, 0x10780),
        (0x10783, 0x10785), (0x10787, 0x107B0), (0x107B2, 0x107BA), (0x1E030, 0x1E06D), (0x1F130, 0x1F149),
        (0x1F150, 0x1F169), (0x1F170, 0x1F189),
    ];
}
