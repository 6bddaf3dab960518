namespace GrowthBook.FeatureManagement.JavaScript.Unicode;

/// <summary>UTS #46 status of a code point.</summary>
internal enum IdnaStatus
{
    Valid = 0,
    Mapped = 1,
    Disallowed = 2,
    Deviation = 3,
    Ignored = 4,
}

/// <summary>A bidi class as the label rules tell them apart (docs/engine.md, "International hosts").</summary>
internal enum BidiClass
{
    L = 10,
    R = 11,
    AN = 12,
    EN = 13,
    Neutral = 14,
    Nsm = 15,
    Other = 16,
}

/// <summary>
/// The UTS #46 data of <c>idna.txt</c>: tr46's mapping table (statuses and mappings) and the details of node's URL
/// parser (bidi classes, marks a label cannot start with, ContextJ joining types).
/// </summary>
internal sealed class IdnaTables
{
    private static readonly Lazy<IdnaTables> Instance = new(Load);

    private readonly int[] _first;
    private readonly int[] _last;
    private readonly IdnaStatus[] _status;
    private readonly int[]?[] _mapping;
    private readonly CodePointRangeMap _bidi;

    private IdnaTables(List<int[]> mapping, Dictionary<string, List<int[]>> sections)
    {
        _first = new int[mapping.Count];
        _last = new int[mapping.Count];
        _status = new IdnaStatus[mapping.Count];
        _mapping = new int[]?[mapping.Count];
        for (var i = 0; i < mapping.Count; i++)
        {
            var line = mapping[i];
            _first[i] = line[0];
            _last[i] = line[1];
            _status[i] = (IdnaStatus)~line[2];
            _mapping[i] = line.Length > 3 ? line[3..] : _status[i] == IdnaStatus.Mapped ? [] : null;
        }

        _bidi = new CodePointRangeMap(sections["bidi"].ConvertAll(l => new[] { l[0], l[1], ~l[2] }));
        Combining = new CodePointSet(sections["combining"]);
        Virama = new CodePointSet(sections["virama"]);
        JoiningLeft = new CodePointSet(sections["joining-left"]);
        JoiningTransparent = new CodePointSet(sections["joining-transparent"]);
        JoiningRight = new CodePointSet(sections["joining-right"]);
    }

    public static IdnaTables Value => Instance.Value;

    public CodePointSet Combining { get; }

    public CodePointSet Virama { get; }

    public CodePointSet JoiningLeft { get; }

    public CodePointSet JoiningTransparent { get; }

    public CodePointSet JoiningRight { get; }

    /// <summary>The status of a code point, and its mapping when <see cref="IdnaStatus.Mapped"/>.</summary>
    public IdnaStatus Status(int codePoint, out int[]? mapping)
    {
        var i = Array.BinarySearch(_first, codePoint);
        if (i < 0)
        {
            i = ~i - 1;
        }

        if (i < 0 || codePoint > _last[i])
        {
            mapping = null;
            return IdnaStatus.Disallowed;
        }

        mapping = _mapping[i];
        return _status[i];
    }

    /// <summary>The bidi class of a valid code point (ASCII letters and anything unlisted are L).</summary>
    public BidiClass Bidi(int codePoint) => _bidi[codePoint] is var c && c >= 0 ? (BidiClass)c : BidiClass.L;

    private static IdnaTables Load()
    {
        var sections = UnicodeTable.Read("idna.txt");
        return new IdnaTables(sections["mapping"], sections);
    }
}
