using System.Globalization;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// The key exposures are deduplicated by, as the JS SDK builds it (docs/engine.md, "Tracking"): hash attribute, hash
/// value, experiment key and variation id, concatenated.
/// </summary>
internal static class ExposureKey
{
    public static string Of(Experiment experiment, ExperimentResult result)
        => result.HashAttribute + result.RawHashValue.ToJsString() + experiment.Key + result.VariationId.ToString(CultureInfo.InvariantCulture);
}
