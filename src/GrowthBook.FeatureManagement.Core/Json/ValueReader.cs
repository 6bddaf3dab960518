using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// Reads a feature value as the caller's type; a null or mismatched value gives the fallback, never an exception.
/// Booleans, strings, numbers and <see cref="JsonElement"/> are read from the engine's own form (no System.Text.Json, no
/// reflection); other types are deserialized, with the caller's <see cref="JsonTypeInfo{T}"/> or by reflection.
/// </summary>
internal static class ValueReader
{
    public const string ReflectionMessage =
        "Types the engine does not read itself (classes, records, collections, enums) are deserialized with reflection-based "
        + "System.Text.Json. In a trimmed or Native AOT app, use the overload taking a JsonTypeInfo<T>, or the bool, string, "
        + "int, long, double, decimal and JsonElement overloads (docs/native-aot.md).";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    // The typed overloads' readers: non-generic, so a string fallback does not go through shared generic code and each
    // is small enough to inline. A null value has none of these types, so it gives the fallback.
    public static bool ReadBoolean(FeatureValue value, bool fallback)
    {
        var js = value.Js;
        return js.Type == JsType.Boolean ? js.BooleanValue : fallback;
    }

    public static string? ReadString(FeatureValue value, string? fallback)
    {
        var js = value.Js;
        return js.Type == JsType.String ? js.StringValue : fallback;
    }

    public static double ReadDouble(FeatureValue value, double fallback)
    {
        var js = value.Js;
        return js.Type == JsType.Number ? js.NumberValue : fallback;
    }

    public static int ReadInt32(FeatureValue value, int fallback)
    {
        var js = value.Js;
        return IsInt32(js) ? (int)js.NumberValue : fallback;
    }

    public static long ReadInt64(FeatureValue value, long fallback)
    {
        var js = value.Js;
        return IsSafeInteger(js) ? (long)js.NumberValue : fallback;
    }

    public static decimal ReadDecimal(FeatureValue value, decimal fallback)
    {
        var js = value.Js;
        return IsDecimal(js) ? (decimal)js.NumberValue : fallback;
    }

    public static JsonElement ReadElement(FeatureValue value, JsonElement fallback) => value.Js.IsNull ? fallback : value.Element;

    /// <summary>Reads any type: the engine's own types as the typed readers do, others deserialized with <paramref name="typeInfo"/>.</summary>
    public static T Read<T>(FeatureValue value, T fallback, JsonTypeInfo<T> typeInfo)
        => TryReadBuiltIn(value, fallback, out var result) ? result : Deserialize(value.Element, fallback, typeInfo);

    /// <summary>Reads any type: the engine's own types as the typed readers do, others deserialized by reflection (Web defaults).</summary>
    /// <exception cref="InvalidOperationException">The type needs reflection, which this app has turned off (trimmed or Native AOT).</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static T Read<T>(FeatureValue value, T fallback)
    {
        if (TryReadBuiltIn(value, fallback, out var result))
        {
            return result;
        }

        if (!JsonSerializer.IsReflectionEnabledByDefault)
        {
            // A programmer's mistake the analyzers warned about: say so rather than serve the fallback forever.
            throw new InvalidOperationException($"Reading a feature value as {typeof(T)} needs reflection-based System.Text.Json, which this app has turned off "
                + $"(trimmed or Native AOT). Pass the type's JsonTypeInfo<{typeof(T).Name}> (GetValue(fallback, YourJsonContext.Default.{typeof(T).Name})); docs/native-aot.md.");
        }

        try
        {
            return value.Element.Deserialize<T>(SerializerOptions) ?? fallback;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return fallback;
        }
    }

    private static T Deserialize<T>(JsonElement element, T fallback, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return element.Deserialize(typeInfo) ?? fallback;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return fallback;
        }
    }

    // What System.Text.Json throws for a value that does not fit the type, or a type it cannot read.
    private static bool IsUnreadable(Exception e) => e is JsonException or NotSupportedException or InvalidOperationException;

    // True with the value (or the fallback) when T is a type read here; false for types to deserialize. A null value is
    // the fallback for every type.
    private static bool TryReadBuiltIn<T>(FeatureValue value, T fallback, out T result)
    {
        result = fallback;
        var js = value.Js;
        if (js.IsNull)
        {
            return true;
        }

        // typeof(T) checks are constants after JIT (and AOT) specialisation: the common cases cost a branch and no boxing.
        if (typeof(T) == typeof(bool) || typeof(T) == typeof(bool?))
        {
            if (js.Type == JsType.Boolean)
            {
                result = (T)(object)js.BooleanValue;
            }

            return true;
        }

        if (typeof(T) == typeof(string))
        {
            if (js.Type == JsType.String)
            {
                result = (T)(object)js.StringValue;
            }

            return true;
        }

        if (typeof(T) == typeof(double) || typeof(T) == typeof(double?))
        {
            if (js.Type == JsType.Number)
            {
                result = (T)(object)js.NumberValue;
            }

            return true;
        }

        if (typeof(T) == typeof(int) || typeof(T) == typeof(int?))
        {
            if (IsInt32(js))
            {
                result = (T)(object)(int)js.NumberValue;
            }

            return true;
        }

        if (typeof(T) == typeof(long) || typeof(T) == typeof(long?))
        {
            if (IsSafeInteger(js))
            {
                result = (T)(object)(long)js.NumberValue;
            }

            return true;
        }

        if (typeof(T) == typeof(float) || typeof(T) == typeof(float?))
        {
            if (js.Type == JsType.Number)
            {
                result = (T)(object)(float)js.NumberValue;
            }

            return true;
        }

        if (typeof(T) == typeof(decimal) || typeof(T) == typeof(decimal?))
        {
            if (IsDecimal(js))
            {
                result = (T)(object)(decimal)js.NumberValue;
            }

            return true;
        }

        if (typeof(T) == typeof(JsonElement) || typeof(T) == typeof(JsonElement?) || typeof(T) == typeof(object))
        {
            result = (T)(object)value.Element;
            return true;
        }

        return false;
    }

    private static bool IsInt32(in JsValue js) => js.Type == JsType.Number && IsWhole(js.NumberValue, int.MinValue, int.MaxValue);

    // Whole numbers JavaScript holds exactly (±2⁵³−1).
    private static bool IsSafeInteger(in JsValue js) => js.Type == JsType.Number && IsWhole(js.NumberValue, -9007199254740991, 9007199254740991);

    private static bool IsDecimal(in JsValue js) => js.Type == JsType.Number && double.IsFinite(js.NumberValue) && Math.Abs(js.NumberValue) < 7.9e28;

    private static bool IsWhole(double number, double min, double max)
        => number == Math.Floor(number) && number >= min && number <= max;
}
