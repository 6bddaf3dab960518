using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Evaluation;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// What a payload's compilation uses only while it runs, and the compiled payload does not keep: the string table and
/// scratch lists of the JSON reader, the conditions and values shared by text or structure, the lists warnings, rules
/// and feature positions are gathered in. Allocating and zeroing it afresh was most of what compiling a small payload allocated, so one
/// instance is kept process-wide: a compilation rents it and returns it cleared, and one that finds it taken (another
/// thread compiling) makes its own (docs/engine.md, "How a payload is compiled").
/// </summary>
/// <remarks>
/// Cleared, it holds no reference to a compiled payload or to the text it was compiled from. It is kept only while its
/// collections hold at most <see cref="MaxKeptEntries"/> entries in all; one that grew past that (a payload of thousands
/// of features) is dropped. An entry takes at most 68 bytes with its bucket (a <see cref="VariationSplit"/>'s key and
/// value), the string table keeps at most one 8 KB chunk, and the rule reader's table is about 2 KB: what stays cached
/// is under 160 KB.
/// </remarks>
internal sealed class CompileScratch
{
    /// <summary>The most entries (tables, dictionaries and lists together) a scratch may have room for and still be kept.</summary>
    public const int MaxKeptEntries = 2048;

    private static CompileScratch? s_cached;

    private StreamedMembers? _rule;

    public JsonValueReader Reader { get; } = new();

    public SharedValues Values { get; } = new();

    public ConditionTables Conditions { get; } = new();

    public RuleExperimentMembers RuleExperiment { get; } = new();

    /// <summary>Reads each rule of the payload in turn; made when a feature first has rules.</summary>
    public StreamedMembers Rule => _rule ??= new StreamedMembers(Reader);

    public ScratchList<FeatureRule> Rules { get; } = new();

    public List<string> FeatureWarnings { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<ExperimentDefinition> Experiments { get; } = [];

    /// <summary>The features' positions by key, while the payload's index is built.</summary>
    public Dictionary<string, int> Positions { get; } = new(StringComparer.Ordinal);

    /// <summary>How many entries its collections hold before they grow.</summary>
    public int Capacity => Reader.Capacity + Values.Capacity + Conditions.Capacity
        + Rules.Capacity + FeatureWarnings.Capacity + Warnings.Capacity + Experiments.Capacity + Positions.EnsureCapacity(0);

    /// <summary>The cached scratch, or a new one when it is in use.</summary>
    public static CompileScratch Rent() => Interlocked.Exchange(ref s_cached, null) ?? new CompileScratch();

    /// <summary>Resets <paramref name="scratch"/> and caches it for the next compilation, unless it has grown too large to keep.</summary>
    public static void Return(CompileScratch scratch)
    {
        if (scratch.Reset())
        {
            Volatile.Write(ref s_cached, scratch);
        }
    }

    /// <summary>
    /// Clears what a compilation (finished or thrown) left, so that the scratch is as new; false, and left as it is, when
    /// it has grown past <see cref="MaxKeptEntries"/> and is not worth keeping.
    /// </summary>
    public bool Reset()
    {
        if (Capacity > MaxKeptEntries)
        {
            return false;
        }

        Reader.Clear();
        Values.Clear();
        Conditions.Clear();
        RuleExperiment.Clear();
        _rule?.Clear();
        Rules.Clear();
        FeatureWarnings.Clear();
        Warnings.Clear();
        Experiments.Clear();
        Positions.Clear();
        return true;
    }
}
