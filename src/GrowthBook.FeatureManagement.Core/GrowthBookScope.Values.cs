using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

// Feature values as .NET types (docs/native-aot.md): an overload per type the engine reads itself, which needs no
// reflection; JsonTypeInfo<T> for other types when trimmed or under Native AOT; the generic one by reflection.
public sealed partial class GrowthBookScope
{
    /// <summary>The feature's value for this user if it is a boolean, else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    public bool GetFeatureValue(string key, bool fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user if it is a string, else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    [return: NotNullIfNotNull(nameof(fallback))]
    public string? GetFeatureValue(string key, string? fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user if it is a whole number in <see cref="int"/>'s range, else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    public int GetFeatureValue(string key, int fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user if it is a whole number JavaScript holds exactly (±2⁵³−1), else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    public long GetFeatureValue(string key, long fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user if it is a number, else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    public double GetFeatureValue(string key, double fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user if it is a number within <see cref="decimal"/>'s range, else <paramref name="fallback"/> (also when the feature is unknown).</summary>
    public decimal GetFeatureValue(string key, decimal fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user as JSON, or <paramref name="fallback"/> when it is null or the feature unknown.</summary>
    public JsonElement GetFeatureValue(string key, JsonElement fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>The feature's value for this user as <typeparamref name="T"/>, or <paramref name="fallback"/> when null, unknown or of another type (<see cref="FeatureResult.GetValue{T}(T)"/>).</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> needs reflection, which this app has turned off (trimmed or Native AOT).</exception>
    [RequiresUnreferencedCode(ValueReader.ReflectionMessage)]
    [RequiresDynamicCode(ValueReader.ReflectionMessage)]
    public T GetFeatureValue<T>(string key, T fallback) => EvalFeature(key).GetValue(fallback);

    /// <summary>
    /// The feature's value for this user as <typeparamref name="T"/>, deserialized with <paramref name="typeInfo"/> (from your
    /// <c>JsonSerializerContext</c>) instead of reflection: safe when trimmed and under Native AOT (<see cref="FeatureResult.GetValue{T}(T, JsonTypeInfo{T})"/>).
    /// </summary>
    public T GetFeatureValue<T>(string key, T fallback, JsonTypeInfo<T> typeInfo) => EvalFeature(key).GetValue(fallback, typeInfo);
}
