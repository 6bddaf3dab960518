using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A feature's value for one user and why (GrowthBook's <c>FeatureResult</c>). Immutable; results that do not
/// depend on the user (default values, force rules) are shared and cost nothing to return.
/// </summary>
public sealed class FeatureResult
{
    internal FeatureResult(string key, FeatureValue value, FeatureSource source, string? ruleId, Experiment? experiment, ExperimentResult? experimentResult)
    {
        Key = key;
        RawValue = value;
        Source = source;
        RuleId = ruleId ?? "";
        Experiment = experiment;
        ExperimentResult = experimentResult;
        On = value.Js.IsTruthy;
    }

    /// <summary>The feature key.</summary>
    public string Key { get; }

    /// <summary>The value (a JSON null when the feature has none).</summary>
    public JsonElement Value => RawValue.Element;

    /// <summary>JavaScript truthiness of the value: false for null, false, 0 and ""; true for everything else, including <c>{}</c> and <c>[]</c>.</summary>
    public bool On { get; }

    /// <summary>The opposite of <see cref="On"/>.</summary>
    public bool Off => !On;

    /// <summary>Why the feature has this value.</summary>
    public FeatureSource Source { get; }

    /// <summary>The id of the rule that set the value, or an empty string.</summary>
    public string RuleId { get; }

    /// <summary>The experiment that set the value, when <see cref="Source"/> is <see cref="FeatureSource.Experiment"/>.</summary>
    public Experiment? Experiment { get; }

    /// <summary>The experiment's result for this user, when <see cref="Source"/> is <see cref="FeatureSource.Experiment"/>.</summary>
    public ExperimentResult? ExperimentResult { get; }

    internal FeatureValue RawValue { get; }

    /// <summary>The value if it is a boolean, else <paramref name="fallback"/>.</summary>
    public bool GetValue(bool fallback) => ValueReader.ReadBoolean(RawValue, fallback);

    /// <summary>The value if it is a string, else <paramref name="fallback"/>.</summary>
    [return: NotNullIfNotNull(nameof(fallback))]
    public string? GetValue(string? fallback) => ValueReader.ReadString(RawValue, fallback);

    /// <summary>The value if it is a whole number in <see cref="int"/>'s range, else <paramref name="fallback"/>.</summary>
    public int GetValue(int fallback) => ValueReader.ReadInt32(RawValue, fallback);

    /// <summary>The value if it is a whole number JavaScript holds exactly (±2⁵³−1), else <paramref name="fallback"/>.</summary>
    public long GetValue(long fallback) => ValueReader.ReadInt64(RawValue, fallback);

    /// <summary>The value if it is a number, else <paramref name="fallback"/>.</summary>
    public double GetValue(double fallback) => ValueReader.ReadDouble(RawValue, fallback);

    /// <summary>The value if it is a number within <see cref="decimal"/>'s range (converted from the double JavaScript holds), else <paramref name="fallback"/>.</summary>
    public decimal GetValue(decimal fallback) => ValueReader.ReadDecimal(RawValue, fallback);

    /// <summary>The value as JSON, or <paramref name="fallback"/> when it is null.</summary>
    public JsonElement GetValue(JsonElement fallback) => ValueReader.ReadElement(RawValue, fallback);

    /// <summary>Reads the value as <typeparamref name="T"/>, or returns <paramref name="fallback"/> when it is null or of another type.</summary>
    /// <remarks>
    /// Booleans, strings and numbers are read without conversion between JSON types (a string "1" is not the
    /// number 1); whole-number types take only whole numbers in range; <see cref="JsonElement"/> and <see cref="object"/>
    /// take any value; other types are deserialized with System.Text.Json's reflection (Web defaults), and a value that
    /// does not deserialize gives the fallback. Trimmed and Native AOT apps use the overload taking a
    /// <see cref="JsonTypeInfo{T}"/>, or the non-generic overloads, which need no reflection (docs/native-aot.md).
    /// </remarks>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> needs reflection, which this app has turned off (trimmed or Native AOT).</exception>
    [RequiresUnreferencedCode(ValueReader.ReflectionMessage)]
    [RequiresDynamicCode(ValueReader.ReflectionMessage)]
    public T GetValue<T>(T fallback) => ValueReader.Read(RawValue, fallback);

    /// <summary>
    /// Reads the value as <typeparamref name="T"/> as <see cref="GetValue{T}(T)"/> does, deserializing with
    /// <paramref name="typeInfo"/> (from your <c>JsonSerializerContext</c>) instead of reflection: safe when trimmed and
    /// under Native AOT. The value is read with <paramref name="typeInfo"/>'s options (<see cref="GetValue{T}(T)"/> uses
    /// <see cref="JsonSerializerDefaults.Web"/>: give the context <c>[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]</c>
    /// for the same reading).
    /// </summary>
    public T GetValue<T>(T fallback, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return ValueReader.Read(RawValue, fallback, typeInfo);
    }
}
