using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// A compiled condition (<c>evalCondition</c>, docs/engine.md, "Conditions"). Built once per payload by
/// <see cref="ConditionCompiler"/>; evaluation only reads it and is safe from any thread.
/// </summary>
internal abstract class Condition
{
    /// <summary>Evaluates the condition against <paramref name="target"/> (usually the attributes object).</summary>
    /// <param name="target">The tested value.</param>
    /// <param name="visited">Saved groups being resolved on this path, to stop reference cycles; null at the top.</param>
    public abstract bool Evaluate(in JsValue target, SavedGroupPath? visited);

    public static readonly Condition True = new Constant(true);
    public static readonly Condition False = new Constant(false);

    private sealed class Constant(bool value) : Condition
    {
        public override bool Evaluate(in JsValue target, SavedGroupPath? visited) => value;
    }
}

/// <summary>Every clause must pass: the keys of one condition object, and <c>$and</c>.</summary>
internal sealed class AllCondition(Condition[] clauses) : Condition
{
    public override bool Evaluate(in JsValue target, SavedGroupPath? visited)
    {
        foreach (var clause in clauses)
        {
            if (!clause.Evaluate(target, visited))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>evalOr</c>: an empty list is true. <c>$nor</c> is its negation, so <c>$nor: []</c> is false.</summary>
internal sealed class AnyCondition(Condition[] clauses, bool negate) : Condition
{
    public override bool Evaluate(in JsValue target, SavedGroupPath? visited) => Or(target, visited) != negate;

    private bool Or(in JsValue target, SavedGroupPath? visited)
    {
        if (clauses.Length == 0)
        {
            return true;
        }

        foreach (var clause in clauses)
        {
            if (clause.Evaluate(target, visited))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>$not</c> at condition level.</summary>
internal sealed class NotCondition(Condition inner) : Condition
{
    public override bool Evaluate(in JsValue target, SavedGroupPath? visited) => !inner.Evaluate(target, visited);
}

/// <summary>A dot-path key: <c>evalConditionValue(value, getPath(obj, key))</c>.</summary>
internal sealed class PathCondition : Condition
{
    private readonly string _single;
    private readonly string[]? _parts;
    private readonly ValueMatcher _matcher;

    public PathCondition(string path, ValueMatcher matcher)
    {
        _matcher = matcher;
        _single = path;
        if (path.Contains('.'))
        {
            _parts = path.Split('.');
        }
    }

    public override bool Evaluate(in JsValue target, SavedGroupPath? visited)
        => _matcher.Matches(_parts is null ? GetOne(target, _single) : GetPath(target, _parts), visited);

    public static JsValue GetPath(in JsValue target, string path)
        => path.Contains('.') ? GetPath(target, path.Split('.')) : GetOne(target, path);

    private static JsValue GetPath(in JsValue target, string[] parts)
    {
        var current = target;
        foreach (var part in parts)
        {
            current = GetOne(current, part);
            if (current.IsNull)
            {
                return current;
            }
        }

        return current;
    }

    // getPath's step: `key in current` for objects and arrays (indices and "length"); anything else → null.
    private static JsValue GetOne(in JsValue current, string key)
    {
        if (current.Type == JsType.Object)
        {
            return current.ObjectValue.TryGetValue(key, out var value) ? value : JsValue.Null;
        }

        if (current.Type == JsType.Array)
        {
            var items = current.ArrayValue;
            if (key == "length")
            {
                return JsValue.Number(items.Length);
            }

            return TryParseArrayIndex(key, out var index) && index < items.Length ? items[index] : JsValue.Null;
        }

        return JsValue.Null;
    }

    // A canonical array index: "0", "1", … without sign, leading zeros or spaces.
    private static bool TryParseArrayIndex(string key, out int index)
    {
        index = 0;
        if (key.Length == 0 || key.Length > 9 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (c - '0');
        }

        return true;
    }
}

/// <summary>Saved groups being resolved on the current evaluation path (an immutable linked list).</summary>
internal sealed class SavedGroupPath(string id, SavedGroupPath? parent)
{
    private readonly string _id = id;
    private readonly SavedGroupPath? _parent = parent;

    /// <summary>How many groups are on the path (this one included).</summary>
    public int Depth { get; } = (parent?.Depth ?? 0) + 1;

    public bool Contains(string groupId)
    {
        for (var node = this; node is not null; node = node._parent)
        {
            if (string.Equals(node._id, groupId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Contains(SavedGroupPath? path, string groupId) => path is not null && path.Contains(groupId);
}
