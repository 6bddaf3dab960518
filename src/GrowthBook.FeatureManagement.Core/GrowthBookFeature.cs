using System.Text.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// One feature of a <see cref="GrowthBookPayload"/>, as a read model: its key and every value it can take, for
/// listing (definitions, variants, admin pages). Evaluation does not use it; build it with
/// <see cref="GrowthBookPayload.GetFeature"/>.
/// </summary>
public sealed class GrowthBookFeature
{
    internal GrowthBookFeature(string key, IReadOnlyList<GrowthBookFeatureValue> possibleValues)
    {
        Key = key;
        PossibleValues = possibleValues;
    }

    /// <summary>The feature key.</summary>
    public string Key { get; }

    /// <summary>
    /// Every value the feature can take, in the order evaluation considers them: the default value first, then each
    /// rule's in rule order (a force rule's value; each variation of an experiment rule). A value that several rules
    /// give is listed once per rule.
    /// </summary>
    public IReadOnlyList<GrowthBookFeatureValue> PossibleValues { get; }

    /// <summary>The default value (the first of <see cref="PossibleValues"/>).</summary>
    public JsonElement DefaultValue => PossibleValues[0].Value;
}
