using System.Runtime.CompilerServices;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>The JSON types, as JavaScript's <c>typeof</c> (with arrays and null told apart) sees them.</summary>
internal enum JsType : byte
{
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// An immutable JSON value with JavaScript semantics (docs/engine.md, "JSON values"): truthiness,
/// <c>ToNumber</c>, <c>String(x)</c> and <c>JSON.stringify</c>. Attributes, rule values and condition
/// operands are all held as <see cref="JsValue"/>, so evaluation never walks untyped JSON.
/// </summary>
internal readonly struct JsValue
{
    private readonly object? _ref; // string | JsValue[] | JsObject
    private readonly double _number; // number, or 1/0 for booleans

    public readonly JsType Type;

    private JsValue(JsType type, double number, object? reference)
    {
        Type = type;
        _number = number;
        _ref = reference;
    }

    public static readonly JsValue Null = default;
    public static readonly JsValue True = new(JsType.Boolean, 1, null);
    public static readonly JsValue False = new(JsType.Boolean, 0, null);
    public static readonly JsValue EmptyString = new(JsType.String, 0, "");

    public static JsValue Bool(bool value) => value ? True : False;

    public static JsValue Number(double value) => new(JsType.Number, value, null);

    public static JsValue String(string value) => new(JsType.String, 0, value);

    public static JsValue Array(JsValue[] items) => new(JsType.Array, 0, items);

    public static JsValue Object(JsObject obj) => new(JsType.Object, 0, obj);

    public bool IsNull => Type == JsType.Null;

    public bool BooleanValue => _number != 0;

    public double NumberValue => _number;

    public string StringValue => (string)_ref!;

    public JsValue[] ArrayValue => (JsValue[])_ref!;

    public JsObject ObjectValue => (JsObject)_ref!;

    /// <summary>JavaScript truthiness: null, false, 0, NaN and "" are falsy; arrays and objects are truthy.</summary>
    public bool IsTruthy
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Type switch
        {
            JsType.Null => false,
            JsType.Boolean or JsType.Number => _number != 0 && !double.IsNaN(_number),
            JsType.String => ((string)_ref!).Length != 0,
            _ => true,
        };
    }

    /// <summary>JavaScript <c>ToNumber</c>: null → 0, booleans → 0/1, strings parsed as <c>Number(s)</c>, arrays via their string form, objects → NaN.</summary>
    public double ToNumber() => Type switch
    {
        JsType.Null => 0,
        JsType.Boolean or JsType.Number => _number,
        JsType.String => JsNumber.StringToNumber((string)_ref!),
        JsType.Array => JsNumber.StringToNumber(ToJsString()),
        _ => double.NaN,
    };

    /// <summary>JavaScript <c>String(x)</c>: null → "null", 10 → "10", [1,2] → "1,2", objects → "[object Object]".</summary>
    public string ToJsString() => Type switch
    {
        JsType.Null => "null",
        JsType.Boolean => _number != 0 ? "true" : "false",
        JsType.Number => JsNumber.ToJsString(_number),
        JsType.String => (string)_ref!,
        JsType.Array => JoinArray((JsValue[])_ref!),
        _ => "[object Object]",
    };

    // Array.prototype.join: null and undefined elements become "".
    private static string JoinArray(JsValue[] items)
    {
        if (items.Length == 0)
        {
            return "";
        }

        var parts = new string[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            parts[i] = items[i].IsNull ? "" : items[i].ToJsString();
        }

        return string.Join(",", parts);
    }

    /// <summary>The <c>typeof</c>-style name used by <c>$type</c>.</summary>
    public string TypeName => Type switch
    {
        JsType.Null => "null",
        JsType.Boolean => "boolean",
        JsType.Number => "number",
        JsType.String => "string",
        JsType.Array => "array",
        _ => "object",
    };

    /// <summary>JavaScript strict equality (<c>===</c>); arrays and objects compare by reference.</summary>
    public bool StrictEquals(in JsValue other)
    {
        if (Type != other.Type)
        {
            return false;
        }

        return Type switch
        {
            JsType.Null => true,
            JsType.Boolean or JsType.Number => _number == other._number,
            JsType.String => string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal),
            _ => ReferenceEquals(_ref, other._ref),
        };
    }

    /// <summary>SameValueZero, as <c>Array.prototype.includes</c> uses: like <c>===</c> but NaN equals NaN.</summary>
    public bool SameValueZero(in JsValue other)
    {
        if (Type == JsType.Number && other.Type == JsType.Number && double.IsNaN(_number) && double.IsNaN(other._number))
        {
            return true;
        }

        return StrictEquals(other);
    }

    /// <summary><c>JSON.stringify</c> of this value.</summary>
    public string ToJson() => JsJson.Stringify(this);

    public override string ToString() => ToJson();
}
