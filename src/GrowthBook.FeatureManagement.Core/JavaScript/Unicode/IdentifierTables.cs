namespace GrowthBook.FeatureManagement.JavaScript.Unicode;

/// <summary>ID_Start and ID_Continue, for regex group names, from the shipped table <c>identifiers.txt</c>.</summary>
internal sealed class IdentifierTables
{
    private static readonly Lazy<IdentifierTables> Instance = new(() =>
    {
        var sections = UnicodeTable.Read("identifiers.txt");
        return new IdentifierTables(new CodePointSet(sections["id-start"]), new CodePointSet(sections["id-continue"]));
    });

    private IdentifierTables(CodePointSet idStart, CodePointSet idContinue)
    {
        IdStart = idStart;
        IdContinue = idContinue;
    }

    public static IdentifierTables Value => Instance.Value;

    public CodePointSet IdStart { get; }

    public CodePointSet IdContinue { get; }
}
