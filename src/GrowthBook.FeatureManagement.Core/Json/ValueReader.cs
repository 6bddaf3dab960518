using System.Text.Json;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>Reads a feature value as the caller's type; a null or mismatched value gives the fallback, never an exception.</summary>
internal static class ValueReader
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public static T Read<T>(FeatureValue value, T fallback)
    {
        var js = value.Js;
        if (js.IsNull)
        {
            return fallback;
        }

        // typeof(T) checks are constants after JIT specialisation: the common cases cost a branch and no boxing.
        if (typeof(T) == typeof(bool) || typeof(T) == typeof(bool?))
        {
            return js.Type == JsType.Boolean ? (T)(object)js.BooleanValue : fallback;
        }

        if (typeof(T) == typeof(string))
        {
            return js.Type == JsType.String ? (T)(object)js.StringValue : fallback;
        }

        if (typeof(T) == typeof(double) || typeof(T) == typeof(double?))
        {
            return js.Type == JsType.Number ? (T)(object)js.NumberValue : fallback;
        }

        if (typeof(T) == typeof(int) || typeof(T) == typeof(int?))
        {
            return js.Type == JsType.Number && IsWhole(js.NumberValue, int.MinValue, int.MaxValue) ? (T)(object)(int)js.NumberValue : fallback;
        }

        if (typeof(T) == typeof(long) || typeof(T) == typeof(long?))
        {
            return js.Type == JsType.Number && IsWhole(js.NumberValue, -9007199254740991, 9007199254740991) ? (T)(object)(long)js.NumberValue : fallback;
        }

        if (typeof(T) == typeof(float) || typeof(T) == typeof(float?))
        {
            return js.Type == JsType.Number ? (T)(object)(float)js.NumberValue : fallback;
        }

        if (typeof(T) == typeof(decimal) || typeof(T) == typeof(decimal?))
        {
            return js.Type == JsType.Number && double.IsFinite(js.NumberValue) && Math.Abs(js.NumberValue) < 7.9e28
                ? (T)(object)(decimal)js.NumberValue
                : fallback;
        }

        if (typeof(T) == typeof(JsonElement) || typeof(T) == typeof(JsonElement?) || typeof(T) == typeof(object))
        {
            return (T)(object)value.Element;
        }

        try
        {
            return value.Element.Deserialize<T>(SerializerOptions) ?? fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
        catch (NotSupportedException)
        {
            return fallback;
        }
        catch (InvalidOperationException)
        {
            return fallback;
        }
    }

    private static bool IsWhole(double number, double min, double max)
        => number == Math.Floor(number) && number >= min && number <= max;
}
