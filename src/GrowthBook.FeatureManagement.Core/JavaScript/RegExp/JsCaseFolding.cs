using GrowthBook.FeatureManagement.JavaScript.Unicode;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// Case-insensitive matching of a JavaScript regex without the <c>u</c> flag (<c>$regexi</c>, and the simple URL
/// patterns): two code units match when their <c>Canonicalize</c> values are equal (docs/engine.md, "Regular
/// expressions"). Canonicalize is the code unit's <c>toUpperCase</c> when that is a single code unit, except that
/// nothing outside ASCII maps into ASCII. So <c>k</c>/<c>K</c> match but the Kelvin sign does not, <c>ß</c> and
/// <c>ẞ</c> do not, and <c>σ</c>/<c>ς</c>/<c>Σ</c> all match.
/// </summary>
internal static class JsCaseFolding
{
    private static readonly Lazy<Table> Tables = new(Build);

    /// <summary>ECMA-262 Canonicalize(rer, ch) for a non-unicode, ignoreCase regex.</summary>
    public static char Canonicalize(char codeUnit)
    {
        var upper = CaseTables.Value.Upper(codeUnit);
        return codeUnit >= 128 && upper < 128 ? codeUnit : upper;
    }

    /// <summary>Every code unit that matches <paramref name="codeUnit"/> case-insensitively (itself included).</summary>
    public static CodeUnitSet EquivalentsOf(char codeUnit)
    {
        var set = new CodeUnitSet();
        if (Tables.Value.Classes.TryGetValue(Canonicalize(codeUnit), out var members))
        {
            foreach (var member in members)
            {
                set.Add(member);
            }
        }
        else
        {
            set.Add(codeUnit);
        }

        return set;
    }

    /// <summary>
    /// The code units a class matches under ignoreCase: every code unit whose canonical value is that of some member.
    /// Only code units that share their canonical value with another one can add anything, so only those are tried.
    /// </summary>
    public static CodeUnitSet Close(CodeUnitSet set)
    {
        var result = new CodeUnitSet();
        result.Add(set);
        var table = Tables.Value;
        foreach (var codeUnit in table.Cased)
        {
            if (set.Contains(codeUnit))
            {
                foreach (var member in table.Classes[Canonicalize(codeUnit)])
                {
                    result.Add(member);
                }
            }
        }

        return result;
    }

    private sealed record Table(Dictionary<char, char[]> Classes, char[] Cased);

    private static Table Build()
    {
        var groups = new Dictionary<char, List<char>>();
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var canonical = Canonicalize((char)c);
            if (!groups.TryGetValue(canonical, out var list))
            {
                groups[canonical] = list = [];
            }

            list.Add((char)c);
        }

        var classes = new Dictionary<char, char[]>();
        var cased = new List<char>();
        foreach (var (canonical, members) in groups)
        {
            if (members.Count > 1)
            {
                classes[canonical] = [.. members];
                cased.AddRange(members);
            }
        }

        cased.Sort();
        return new Table(classes, [.. cased]);
    }
}
