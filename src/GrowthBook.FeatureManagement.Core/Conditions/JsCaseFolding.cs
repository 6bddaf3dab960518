namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// Case-insensitive matching of a JavaScript regex without the <c>u</c> flag (the <c>$regexi</c> operator):
/// two code units match when their <c>Canonicalize</c> values are equal (ECMA-262 §22.2.2.7.3). Canonicalize is
/// the code unit's uppercase when that is a single code unit, except that nothing outside ASCII maps into
/// ASCII. So <c>k</c>/<c>K</c> match but the Kelvin sign does not, <c>ſ</c> does not match <c>s</c>, and
/// <c>σ</c>/<c>ς</c>/<c>Σ</c> all match. .NET's <c>RegexOptions.IgnoreCase</c> uses other equivalences, which
/// is why translated patterns spell the classes out instead (<see cref="JsRegexTranslator"/>).
/// </summary>
internal static class JsCaseFolding
{
    private static readonly Lazy<Table> Tables = new(Build);

    /// <summary>ECMA-262 Canonicalize(rer, ch) for a non-unicode, ignoreCase regex.</summary>
    public static int Canonicalize(int codeUnit)
    {
        // Greek letters with ypogegrammeni: their full uppercase is two code units ("ᾳ" → "ΑΙ"), so they stay
        // themselves; the simple mapping .NET has would give the titlecase letter instead.
        if (codeUnit is (>= 0x1F80 and <= 0x1F87) or (>= 0x1F90 and <= 0x1F97) or (>= 0x1FA0 and <= 0x1FA7)
            or 0x1FB3 or 0x1FC3 or 0x1FF3)
        {
            return codeUnit;
        }

        // Surrogates have no case; char.ToUpperInvariant leaves them as they are. ß and others whose uppercase is
        // longer than one code unit have no simple uppercase, so they stay themselves here too.
        var upper = char.ToUpperInvariant((char)codeUnit);
        return codeUnit >= 128 && upper < 128 ? codeUnit : upper;
    }

    /// <summary>Every code unit that matches <paramref name="codeUnit"/> case-insensitively (itself included).</summary>
    public static CodeUnitSet EquivalentsOf(int codeUnit)
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

    private sealed record Table(Dictionary<int, int[]> Classes, int[] Cased);

    private static Table Build()
    {
        var groups = new Dictionary<int, List<int>>();
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var canonical = Canonicalize(c);
            if (!groups.TryGetValue(canonical, out var list))
            {
                groups[canonical] = list = [];
            }

            list.Add(c);
        }

        var classes = new Dictionary<int, int[]>();
        var cased = new List<int>();
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
