using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// What a <see cref="ConditionCompiler"/> fills while it compiles one payload's conditions: the conditions compiled, by
/// structure and by text; the saved-group list matchers to bind; the problems reported. None of it is kept by the payload,
/// so a compilation hands it on, cleared, to the next (<see cref="CompileScratch"/>).
/// </summary>
internal sealed class ConditionTables
{
    public Dictionary<JsValue, SharedCondition> Compiled { get; } = new(JsValueComparer.Instance);

    public TextTable<SharedCondition> ByText { get; } = new();

    public List<GroupListMatcher> GroupLists { get; } = [];

    public List<string> Problems { get; } = [];

    /// <summary>Scratch for compiling a condition as it is read: the names seen, the clauses, the operators.</summary>
    public ScratchList<string> ReadNames { get; } = new();

    /// <inheritdoc cref="ReadNames"/>
    public ScratchList<Condition> ReadClauses { get; } = new();

    /// <inheritdoc cref="ReadNames"/>
    public ScratchList<ValueMatcher> ReadOperators { get; } = new();

    /// <summary>How many entries its dictionary, table and lists hold before they grow.</summary>
    public int Capacity => Compiled.EnsureCapacity(0) + ByText.Capacity + GroupLists.Capacity + Problems.Capacity
        + ReadNames.Capacity + ReadClauses.Capacity + ReadOperators.Capacity;

    /// <summary>Forgets every condition, matcher and problem, keeping the storage.</summary>
    public void Clear()
    {
        Compiled.Clear();
        ByText.Clear();
        GroupLists.Clear();
        Problems.Clear();
        ReadNames.Clear();
        ReadClauses.Clear();
        ReadOperators.Clear();
    }
}
