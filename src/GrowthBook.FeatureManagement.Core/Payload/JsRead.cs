using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Typed reads of payload JSON with GrowthBook's JavaScript reading rules: a falsy value (null, "", 0, false)
/// is as good as absent where the reference SDK tests truthiness, and a value of the wrong type is a
/// <see cref="PayloadFormatException"/> that skips the rule or feature holding it; its message names the member by the
/// <c>key</c> given.
/// </summary>
internal static class JsRead
{
    public static string? TruthyString(in JsValue value, string key)
    {
        if (!value.IsTruthy)
        {
            return null;
        }

        return value.Type == JsType.String ? value.StringValue : throw Wrong(key, "a string");
    }

    /// <summary>A number that must be one when present (absent: null).</summary>
    public static double? Number(bool present, in JsValue value, string key)
    {
        if (!present)
        {
            return null;
        }

        return value.Type == JsType.Number ? value.NumberValue : throw Wrong(key, "a number");
    }

    /// <summary>A number read as JS does for <c>x || default</c>: falsy → null.</summary>
    public static double? TruthyNumber(in JsValue value, string key)
    {
        if (!value.IsTruthy)
        {
            return null;
        }

        return value.Type == JsType.Number ? value.NumberValue : throw Wrong(key, "a number");
    }

    public static int? TruthyInt(in JsValue value, string key)
    {
        var number = TruthyNumber(value, key);
        return number is null ? null : ToInt(number.Value, key);
    }

    /// <summary>A whole number that must be one unless absent or null.</summary>
    public static int? Int(in JsValue value, string key)
    {
        var number = value.IsNull ? null : Number(present: true, value, key);
        return number is null ? null : ToInt(number.Value, key);
    }

    public static JsValue[]? TruthyArray(in JsValue value, string key)
    {
        if (!value.IsTruthy)
        {
            return null;
        }

        return value.Type == JsType.Array ? value.ArrayValue : throw Wrong(key, "an array");
    }

    public static string? TruthyString(JsObject obj, string key) => TruthyString(obj[key], key);

    public static double? Number(JsObject obj, string key) => Number(obj.TryGetValue(key, out var value), value, key);

    public static int? TruthyInt(JsObject obj, string key) => TruthyInt(obj[key], key);

    public static int? Int(JsObject obj, string key) => Int(obj[key], key);

    public static JsValue[]? TruthyArray(JsObject obj, string key) => TruthyArray(obj[key], key);

    private static int ToInt(double number, string key)
    {
        if (number != Math.Floor(number) || number < int.MinValue || number > int.MaxValue)
        {
            throw Wrong(key, "a whole number");
        }

        return (int)number;
    }

    public static double[] Numbers(JsValue[] items, string key)
    {
        var numbers = new double[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            numbers[i] = items[i].Type == JsType.Number ? items[i].NumberValue : throw Wrong(key, "an array of numbers");
        }

        return numbers;
    }

    public static BucketRange Range(in JsValue value, string key)
    {
        if (value.Type != JsType.Array || value.ArrayValue.Length < 2
            || value.ArrayValue[0].Type != JsType.Number || value.ArrayValue[1].Type != JsType.Number)
        {
            throw Wrong(key, "a [start, end] pair of numbers");
        }

        return new BucketRange(value.ArrayValue[0].NumberValue, value.ArrayValue[1].NumberValue);
    }

    public static BucketRange[] Ranges(JsValue[] items, string key) => Array.ConvertAll(items, item => Range(item, key));

    public static PayloadFormatException Wrong(string key, string expected)
        => new($"'{key}' must be {expected}");
}
