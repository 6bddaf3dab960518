namespace GrowthBook.FeatureManagement.JavaScript.Unicode;

/// <summary>
/// JavaScript's case mapping, from the shipped table <c>case.txt</c> (node's <c>toLowerCase</c>/<c>toUpperCase</c>,
/// see docs/engine.md, "Unicode data"): .NET's own tables differ between versions, between ICU and
/// globalization-invariant mode, and from JavaScript's full mappings.
/// </summary>
internal sealed class CaseTables
{
    private static readonly Lazy<CaseTables> Instance = new(Load);

    private readonly Dictionary<int, string> _lower;
    private readonly char[] _upper;

    private CaseTables(Dictionary<int, string> lower, char[] upper, CodePointSet cased, CodePointSet caseIgnorable)
    {
        _lower = lower;
        _upper = upper;
        Cased = cased;
        CaseIgnorable = caseIgnorable;
    }

    public static CaseTables Value => Instance.Value;

    /// <summary>Unicode's Cased property (for the final-sigma context).</summary>
    public CodePointSet Cased { get; }

    /// <summary>Unicode's Case_Ignorable property (for the final-sigma context).</summary>
    public CodePointSet CaseIgnorable { get; }

    /// <summary><c>String.fromCodePoint(cp).toLowerCase()</c> when it differs from the code point, else null.</summary>
    public string? Lower(int codePoint) => _lower.GetValueOrDefault(codePoint);

    /// <summary>The code unit's <c>toUpperCase</c> when that is a single code unit, else the code unit itself.</summary>
    public char Upper(char codeUnit) => _upper[codeUnit];

    private static CaseTables Load()
    {
        var sections = UnicodeTable.Read("case.txt");
        var lower = new Dictionary<int, string>();
        foreach (var line in sections["lower"])
        {
            var chars = new System.Text.StringBuilder(line.Length);
            for (var i = 1; i < line.Length; i++)
            {
                chars.Append(char.ConvertFromUtf32(line[i]));
            }

            lower.Add(line[0], chars.ToString());
        }

        var upper = new char[0x10000];
        for (var c = 0; c < upper.Length; c++)
        {
            upper[c] = (char)c;
        }

        foreach (var line in sections["upper"])
        {
            upper[line[0]] = (char)line[1];
        }

        return new CaseTables(lower, upper, new CodePointSet(sections["cased"]), new CodePointSet(sections["case-ignorable"]));
    }
}
