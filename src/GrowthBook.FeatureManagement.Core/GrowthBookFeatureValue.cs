using System.Text.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>One value a <see cref="GrowthBookFeature"/> can take, and the rule that gives it.</summary>
public sealed class GrowthBookFeatureValue
{
    internal GrowthBookFeatureValue(JsonElement value, FeatureSource source, string ruleId, string? variationKey)
    {
        Value = value;
        Source = source;
        RuleId = ruleId;
        VariationKey = variationKey;
    }

    /// <summary>The value (a JSON null when the feature has none).</summary>
    public JsonElement Value { get; }

    /// <summary>
    /// Where it comes from: <see cref="FeatureSource.DefaultValue"/>, <see cref="FeatureSource.Force"/> (a force rule) or
    /// <see cref="FeatureSource.Experiment"/> (a variation of an experiment rule) — the source a
    /// <see cref="FeatureResult"/> with this value reports.
    /// </summary>
    public FeatureSource Source { get; }

    /// <summary>The id of the rule that gives it (<see cref="FeatureResult.RuleId"/>), or an empty string.</summary>
    public string RuleId { get; }

    /// <summary>For a variation, its key as <see cref="ExperimentResult.Key"/> reports it (the meta key, or the index as a string); null otherwise.</summary>
    public string? VariationKey { get; }
}
