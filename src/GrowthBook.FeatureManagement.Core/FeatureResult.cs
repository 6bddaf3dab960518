using System.Text.Json;
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

    /// <summary>Reads the value as <typeparamref name="T"/>, or returns <paramref name="fallback"/> when it is null or of another type.</summary>
    /// <remarks>
    /// Booleans, strings and numbers are read without conversion between JSON types (a string "1" is not the
    /// number 1); whole-number types take only whole numbers in range; <see cref="JsonElement"/> takes any value;
    /// other types are deserialized with System.Text.Json, and a value that does not deserialize gives the fallback.
    /// </remarks>
    public T GetValue<T>(T fallback) => ValueReader.Read(RawValue, fallback);
}
