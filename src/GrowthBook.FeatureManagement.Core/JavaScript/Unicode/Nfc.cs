using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Unicode;

/// <summary>
/// <c>String.prototype.normalize("NFC")</c> from the shipped table <c>normalization.txt</c>: .NET's
/// <see cref="string.Normalize()"/> needs ICU and does nothing in globalization-invariant mode. Decompose
/// canonically, order the marks, compose (UAX #15); Hangul syllables arithmetically (Unicode §3.12).
/// </summary>
internal sealed class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Nfc> Instance = new(Load);

    private readonly Dictionary<int, int[]> _decompositions;
    private readonly CodePointRangeMap _classes;
    private readonly Dictionary<long, int> _compositions;

    private Nfc(Dictionary<int, int[]> decompositions, CodePointRangeMap classes, Dictionary<long, int> compositions)
    {
        _decompositions = decompositions;
        _classes = classes;
        _compositions = compositions;
    }

    public static Nfc Value => Instance.Value;

    /// <summary>The NFC form of a sequence of code points.</summary>
    public List<int> Normalize(IReadOnlyList<int> input)
    {
        var decomposed = new List<int>(input.Count + 4);
        foreach (var cp in input)
        {
            Decompose(cp, decomposed);
        }

        // Canonical ordering: a stable sort of each run of non-starters by class.
        for (var i = 1; i < decomposed.Count; i++)
        {
            var cc = Class(decomposed[i]);
            if (cc == 0)
            {
                continue;
            }

            var j = i;
            var cp = decomposed[i];
            while (j > 0 && Class(decomposed[j - 1]) > cc)
            {
                decomposed[j] = decomposed[j - 1];
                j--;
            }

            decomposed[j] = cp;
        }

        return Compose(decomposed);
    }

    /// <summary>Whether a sequence of code points is already in NFC.</summary>
    public bool IsNormalized(IReadOnlyList<int> input)
    {
        var normalized = Normalize(input);
        return normalized.Count == input.Count && normalized.SequenceEqual(input);
    }

    private int Class(int cp) => Math.Max(_classes[cp], 0);

    private void Decompose(int cp, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + (s / NCount));
            output.Add(VBase + (s % NCount / TCount));
            if (s % TCount != 0)
            {
                output.Add(TBase + (s % TCount));
            }
        }
        else if (_decompositions.TryGetValue(cp, out var parts))
        {
            output.AddRange(parts);
        }
        else
        {
            output.Add(cp);
        }
    }

    private List<int> Compose(List<int> d)
    {
        var result = new List<int>(d.Count);
        var starter = -1;
        var lastClass = 0;
        foreach (var cp in d)
        {
            var cc = Class(cp);

            // Not blocked: nothing between the starter and this one, or everything between has a lower class.
            if (starter >= 0 && (lastClass == 0 ? result.Count - 1 == starter : lastClass < cc)
                && Composite(result[starter], cp) is { } composite)
            {
                result[starter] = composite;
                continue;
            }

            if (cc == 0)
            {
                starter = result.Count;
            }

            lastClass = cc;
            result.Add(cp);
        }

        return result;
    }

    private int? Composite(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }

        return _compositions.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : null;
    }

    private static Nfc Load()
    {
        var sections = UnicodeTable.Read("normalization.txt");
        var decompositions = sections["decomposition"].ToDictionary(line => line[0], line => line[1..]);
        var compositions = sections["composition"].ToDictionary(line => ((long)line[0] << 21) | (uint)line[1], line => line[2]);
        return new Nfc(decompositions, new CodePointRangeMap(sections["class"]), compositions);
    }

    /// <summary>The code points of a string (a lone surrogate is itself).</summary>
    public static List<int> CodePoints(string s)
    {
        var result = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                i++;
            }
            else
            {
                result.Add(s[i]);
            }
        }

        return result;
    }

    /// <summary>The string of a sequence of code points.</summary>
    public static string ToText(IEnumerable<int> codePoints)
    {
        var sb = new StringBuilder();
        foreach (var cp in codePoints)
        {
            if (cp < 0x10000)
            {
                sb.Append((char)cp);
            }
            else
            {
                sb.Append(char.ConvertFromUtf32(cp));
            }
        }

        return sb.ToString();
    }
}
