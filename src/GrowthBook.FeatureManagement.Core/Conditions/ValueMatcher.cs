using System.Text.RegularExpressions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>A compiled <c>evalConditionValue</c>: tests one value (an attribute, an array element, a length).</summary>
internal abstract class ValueMatcher
{
    public abstract bool Matches(in JsValue value, SavedGroupPath? visited);

    public static readonly ValueMatcher Never = new Constant(false);

    private sealed class Constant(bool result) : ValueMatcher
    {
        public override bool Matches(in JsValue value, SavedGroupPath? visited) => result;
    }
}

/// <summary>A string condition: <c>value + "" === condition</c> (both sides through JS <c>toLowerCase</c> when insensitive, <see cref="JsCase"/>).</summary>
internal sealed class StringEqualsMatcher(string expected, bool insensitive) : ValueMatcher
{
    private readonly string _expected = insensitive ? JsCase.ToLowerCase(expected) : expected;

    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        if (value.Type == JsType.String)
        {
            return insensitive
                ? string.Equals(JsCase.ToLowerCase(value.StringValue), _expected, StringComparison.Ordinal)
                : string.Equals(value.StringValue, _expected, StringComparison.Ordinal);
        }

        var text = value.ToJsString();
        return string.Equals(insensitive ? JsCase.ToLowerCase(text) : text, _expected, StringComparison.Ordinal);
    }
}

/// <summary>A number condition: <c>value * 1 === condition</c>.</summary>
internal sealed class NumberEqualsMatcher(double expected) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => value.ToNumber() == expected;
}

/// <summary>A boolean condition: <c>value !== null &amp;&amp; !!value === condition</c>.</summary>
internal sealed class BooleanEqualsMatcher(bool expected) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => !value.IsNull && value.IsTruthy == expected;
}

/// <summary>A null condition: the value is null or missing.</summary>
internal sealed class NullMatcher : ValueMatcher
{
    public static readonly NullMatcher Instance = new();

    public override bool Matches(in JsValue value, SavedGroupPath? visited) => value.IsNull;
}

/// <summary>An array or non-operator object condition: <c>JSON.stringify(value) === JSON.stringify(condition)</c>.</summary>
internal sealed class JsonEqualsMatcher(string expectedJson, JsType expectedType) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
        => value.Type == expectedType && string.Equals(value.ToJson(), expectedJson, StringComparison.Ordinal);
}

/// <summary>An operator object: every operator must pass.</summary>
internal sealed class AllOperatorsMatcher(ValueMatcher[] operators) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        foreach (var op in operators)
        {
            if (!op.Matches(value, visited))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>$eq</c> / <c>$ne</c>: strict (<c>===</c>) equality, no coercion.</summary>
internal sealed class StrictEqualsMatcher(JsValue expected, bool negate) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => value.StrictEquals(expected) != negate;
}

internal enum Relation
{
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
}

/// <summary><c>$lt $lte $gt $gte</c>: JavaScript's abstract relational comparison.</summary>
internal sealed class RelationalMatcher : ValueMatcher
{
    private readonly Relation _relation;
    private readonly string? _expectedString; // after ToPrimitive
    private readonly double _expectedNumber;

    public RelationalMatcher(Relation relation, in JsValue expected)
    {
        _relation = relation;
        _expectedString = ToPrimitiveString(expected);
        _expectedNumber = _expectedString is null ? expected.ToNumber() : JsNumber.StringToNumber(_expectedString);
    }

    // ToPrimitive: arrays and objects become strings; other values stay as they are (null → not a string).
    private static string? ToPrimitiveString(in JsValue value)
        => value.Type is JsType.String or JsType.Array or JsType.Object ? value.ToJsString() : null;

    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        if (value.Type == JsType.Number && _expectedString is null)
        {
            return Compare(value.NumberValue, _expectedNumber);
        }

        var actualString = ToPrimitiveString(value);
        if (actualString is not null && _expectedString is not null)
        {
            var order = string.CompareOrdinal(actualString, _expectedString);
            return _relation switch
            {
                Relation.LessThan => order < 0,
                Relation.LessOrEqual => order <= 0,
                Relation.GreaterThan => order > 0,
                _ => order >= 0,
            };
        }

        var actualNumber = actualString is null ? value.ToNumber() : JsNumber.StringToNumber(actualString);
        return Compare(actualNumber, _expectedNumber);
    }

    // Any NaN makes every comparison false, as IEEE comparisons already do.
    private bool Compare(double a, double b) => _relation switch
    {
        Relation.LessThan => a < b,
        Relation.LessOrEqual => a <= b,
        Relation.GreaterThan => a > b,
        _ => a >= b,
    };
}

/// <summary><c>$veq $vne $vgt $vgte $vlt $vlte</c>: ordinal comparison of padded version strings.</summary>
internal sealed class VersionMatcher(string op, string expectedPadded) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        var order = string.CompareOrdinal(PaddedVersion.Of(value), expectedPadded);
        return op switch
        {
            "$veq" => order == 0,
            "$vne" => order != 0,
            "$vgt" => order > 0,
            "$vgte" => order >= 0,
            "$vlt" => order < 0,
            _ => order <= 0,
        };
    }
}

/// <summary><c>$exists</c>: <c>expected ? value != null : value == null</c>.</summary>
internal sealed class ExistsMatcher(bool expected) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => value.IsNull != expected;
}

/// <summary>
/// <c>$inGroup</c>/<c>$notInGroup</c>: a saved group's list, bound once the payload's saved groups are loaded
/// (<see cref="ConditionCompiler.BindSavedGroupLists"/>), before the payload is published. An entry that is not a
/// list makes both operators false.
/// </summary>
internal sealed class GroupListMatcher(string groupId, bool negate) : ValueMatcher
{
    private InSet? _set;

    public void Bind(SavedGroups groups) => _set = groups.ListValues(groupId);

    public override bool Matches(in JsValue value, SavedGroupPath? visited) => _set is { } set && set.IsIn(value) != negate;
}

/// <summary><c>$not</c> at value level.</summary>
internal sealed class NotMatcher(ValueMatcher inner) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => !inner.Matches(value, visited);
}

/// <summary><c>$size</c>: the value must be an array whose length passes the inner condition.</summary>
internal sealed class SizeMatcher(ValueMatcher inner) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
        => value.Type == JsType.Array && inner.Matches(JsValue.Number(value.ArrayValue.Length), visited);
}

/// <summary><c>$elemMatch</c>: some non-null element passes (an operator object per element, else a condition on the element).</summary>
internal sealed class ElemMatchMatcher(ValueMatcher? elementMatcher, Condition? elementCondition) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        if (value.Type != JsType.Array)
        {
            return false;
        }

        foreach (var element in value.ArrayValue)
        {
            if (element.IsNull)
            {
                continue; // 1.8.0 skips only nullish elements (docs/engine.md, "Conditions")
            }

            if (elementMatcher is not null ? elementMatcher.Matches(element, visited) : elementCondition!.Evaluate(element, visited))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>$all</c>/<c>$alli</c>: every item matches some element of the array value.</summary>
internal sealed class AllMatcher(ValueMatcher[] items) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
    {
        if (value.Type != JsType.Array)
        {
            return false;
        }

        var elements = value.ArrayValue;
        foreach (var item in items)
        {
            var passed = false;
            foreach (var element in elements)
            {
                if (item.Matches(element, visited))
                {
                    passed = true;
                    break;
                }
            }

            if (!passed)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary><c>$regex</c>/<c>$regexi</c>: an unanchored search in <c>String(value)</c>; false where that throws (the SDK catches it).</summary>
internal sealed class RegexMatcher(JsRegex regex) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => JsCoercion.TryToString(value, out var text) && regex.Test(text);
}

/// <summary><c>$type</c>: the value's type name equals the operand.</summary>
internal sealed class TypeMatcher(string expected) : ValueMatcher
{
    public override bool Matches(in JsValue value, SavedGroupPath? visited)
        => string.Equals(value.TypeName, expected, StringComparison.Ordinal);
}

/// <summary>The top-level <c>$savedGroup</c> operator.</summary>
internal sealed class SavedGroupCondition(SavedGroups groups, string id, string? attributeKey) : Condition
{
    public override bool Evaluate(in JsValue target, SavedGroupPath? visited)
        => groups.EvaluateReference(target, id, attributeKey, visited);
}
