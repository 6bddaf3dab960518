using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// The list of an <c>$in</c>/<c>$nin</c>/<c>$ini</c>/<c>$nini</c> operator or a saved group, prepared for
/// lookups: <c>Array.prototype.includes</c> (SameValueZero, type-strict) or, case-insensitively, strict
/// equality after lowercasing strings with JS <c>toLowerCase</c> (<see cref="JsCase"/>). Long lists are hashed.
/// It is also the operator's matcher (one object per <c>$in</c>, not two): negated for <c>$nin</c> and <c>$nini</c>.
/// </summary>
internal sealed class InSet : ValueMatcher
{
    private const int LinearLimit = 8;

    private readonly JsValue[] _items;
    private readonly bool _insensitive;
    private readonly HashSet<string>? _strings;
    private readonly HashSet<double>? _numbers;
    private readonly bool _hasTrue;
    private readonly bool _hasFalse;
    private readonly bool _hasNull;
    private readonly bool _hasNaN;
    private readonly bool _negate;

    public InSet(JsValue[] items, bool insensitive, bool negate = false)
    {
        _insensitive = insensitive;
        _negate = negate;
        _items = insensitive ? Array.ConvertAll(items, Fold) : items;
        if (items.Length <= LinearLimit)
        {
            return;
        }

        _strings = new HashSet<string>(StringComparer.Ordinal);
        _numbers = [];
        foreach (var item in _items)
        {
            switch (item.Type)
            {
                case JsType.String:
                    _strings.Add(item.StringValue);
                    break;
                case JsType.Number when double.IsNaN(item.NumberValue):
                    _hasNaN = !insensitive; // strict equality never matches NaN
                    break;
                case JsType.Number:
                    _numbers.Add(item.NumberValue == 0 ? 0 : item.NumberValue);
                    break;
                case JsType.Boolean:
                    if (item.BooleanValue)
                    {
                        _hasTrue = true;
                    }
                    else
                    {
                        _hasFalse = true;
                    }

                    break;
                case JsType.Null:
                    _hasNull = true;
                    break;
                default:
                    break; // arrays and objects compare by reference: never equal to an attribute
            }
        }
    }

    public static readonly InSet EmptySet = new([], insensitive: false);

    /// <summary><c>$in</c> (<c>$nin</c> when negated): <see cref="IsIn"/>.</summary>
    public override bool Matches(in JsValue value, SavedGroupPath? visited) => IsIn(value) != _negate;

    /// <summary><c>isIn(actual, expected)</c>: an array attribute matches when any element is in the list.</summary>
    public bool IsIn(in JsValue actual)
    {
        if (actual.Type == JsType.Array)
        {
            foreach (var element in actual.ArrayValue)
            {
                if (Contains(element))
                {
                    return true;
                }
            }

            return false;
        }

        return Contains(actual);
    }

    private bool Contains(JsValue value)
    {
        if (_insensitive)
        {
            value = Fold(value);
        }

        if (_strings is null)
        {
            foreach (var item in _items)
            {
                if (_insensitive ? item.StrictEquals(value) : item.SameValueZero(value))
                {
                    return true;
                }
            }

            return false;
        }

        return value.Type switch
        {
            JsType.String => _strings.Contains(value.StringValue),
            JsType.Number => double.IsNaN(value.NumberValue) ? _hasNaN : _numbers!.Contains(value.NumberValue == 0 ? 0 : value.NumberValue),
            JsType.Boolean => value.BooleanValue ? _hasTrue : _hasFalse,
            JsType.Null => _hasNull,
            _ => false,
        };
    }

    private static JsValue Fold(JsValue value)
        => value.Type == JsType.String ? JsValue.String(JsCase.ToLowerCase(value.StringValue)) : value;
}
