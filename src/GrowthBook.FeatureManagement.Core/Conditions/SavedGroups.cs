using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// The payload's <c>savedGroups</c>, prepared once: v1 bare lists, v2 <c>list</c> entries and v2
/// <c>condition</c> entries (docs/engine.md, "Saved groups"). References between groups are resolved at evaluation
/// time with a visited path, so a cycle ends in false instead of recursing forever.
/// </summary>
/// <remarks>
/// Conditions bind to this object while the payload is compiled, and the payload's <c>savedGroups</c> may come after
/// its features in the JSON: the groups are loaded, and <see cref="Link"/> run, before the payload is published;
/// after that the object does not change.
/// </remarks>
internal sealed class SavedGroups
{
    // Never changed once made (Load replaces it), so a payload without saved groups shares one empty dictionary.
    // (Declared first: Empty, below, is made with it.)
    private static readonly Dictionary<string, SavedGroup> None = new(StringComparer.Ordinal);

    public static readonly SavedGroups Empty = new();

    private Dictionary<string, SavedGroup> _groups = None;

    public SavedGroups()
    {
    }

    public SavedGroups(JsObject raw) => Load(raw);

    /// <summary>Replaces the groups with <paramref name="raw"/>'s entries.</summary>
    public void Load(JsObject raw)
    {
        _groups = new Dictionary<string, SavedGroup>(raw.Count, StringComparer.Ordinal);
        foreach (var entry in raw.Entries)
        {
            _groups[entry.Key] = SavedGroup.From(entry.Value);
        }
    }

    /// <summary>Takes <paramref name="other"/>'s groups as they are (their JSON was byte-identical), lists and compiled conditions included.</summary>
    public void LoadFrom(SavedGroups other) => _groups = other._groups;

    /// <summary>
    /// Compiles the condition entries not compiled yet, then binds every <c>$inGroup</c>/<c>$notInGroup</c> the
    /// compiler built to its list. Called once, when the whole payload has been read.
    /// </summary>
    public void Link(ConditionCompiler compiler)
    {
        foreach (var group in _groups.Values)
        {
            if (group.Kind == SavedGroupKind.Condition && group.Condition is null)
            {
                group.Condition = compiler.Compile(group.RawCondition);
            }
        }

        compiler.BindSavedGroupLists();
    }

    public int Count => _groups.Count;

    /// <summary>The values <c>$inGroup</c>/<c>$notInGroup</c> test against; null when the entry is not a list (both operators are then false).</summary>
    public InSet? ListValues(string id)
    {
        if (!_groups.TryGetValue(id, out var group))
        {
            return InSet.EmptySet; // an unknown id has always behaved like an empty list
        }

        return group.Kind is SavedGroupKind.BareList or SavedGroupKind.List ? group.Values : null;
    }

    /// <summary><c>evalSavedGroup</c>: the top-level <c>$savedGroup</c> operator.</summary>
    public bool EvaluateReference(in JsValue target, string id, string? attributeKeyOverride, SavedGroupPath? visited)
    {
        // A chain of references deeper than conditions may nest is false, as a too-deep condition is: each link
        // recurses, and a hostile payload's chain of thousands would otherwise overflow the stack.
        if (visited?.Depth >= ConditionCompiler.MaxDepth || SavedGroupPath.Contains(visited, id) || !_groups.TryGetValue(id, out var group))
        {
            return false;
        }

        switch (group.Kind)
        {
            case SavedGroupKind.List:
                var key = attributeKeyOverride ?? group.AttributeKey;
                if (key is null || group.Values is null)
                {
                    return false;
                }

                return group.Values.IsIn(PathCondition.GetPath(target, key));
            case SavedGroupKind.Condition:
                return group.Condition is not null && group.Condition.Evaluate(target, new SavedGroupPath(id, visited));
            default:
                return false;
        }
    }

    private enum SavedGroupKind
    {
        Malformed,
        BareList,
        List,
        Condition,
    }

    private sealed class SavedGroup
    {
        public SavedGroupKind Kind { get; private init; }

        public InSet? Values { get; private init; }

        public string? AttributeKey { get; private init; }

        public JsValue RawCondition { get; private init; }

        public Condition? Condition { get; set; }

        public static SavedGroup From(in JsValue raw)
        {
            if (raw.Type == JsType.Array)
            {
                return new SavedGroup { Kind = SavedGroupKind.BareList, Values = new InSet(raw.ArrayValue, insensitive: false) };
            }

            if (raw.Type != JsType.Object)
            {
                return new SavedGroup { Kind = SavedGroupKind.Malformed };
            }

            var entry = raw.ObjectValue;
            var type = entry["type"];
            if (type.Type == JsType.String && type.StringValue == "list")
            {
                var values = entry["values"];
                var attributeKey = entry["attributeKey"];
                return new SavedGroup
                {
                    Kind = SavedGroupKind.List,
                    Values = values.Type == JsType.Array ? new InSet(values.ArrayValue, insensitive: false) : null,
                    AttributeKey = attributeKey.Type == JsType.String ? attributeKey.StringValue : null,
                };
            }

            if (type.Type == JsType.String && type.StringValue == "condition")
            {
                var condition = entry["condition"];
                return condition.Type is JsType.Object or JsType.Array
                    ? new SavedGroup { Kind = SavedGroupKind.Condition, RawCondition = condition }
                    : new SavedGroup { Kind = SavedGroupKind.Malformed };
            }

            return new SavedGroup { Kind = SavedGroupKind.Malformed };
        }
    }
}
