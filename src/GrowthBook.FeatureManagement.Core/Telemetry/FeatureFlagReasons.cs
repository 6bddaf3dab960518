namespace GrowthBook.FeatureManagement.Telemetry;

/// <summary>
/// GrowthBook's <see cref="FeatureSource"/> in the words of the OpenTelemetry feature-flag conventions
/// (<c>feature_flag.result.reason</c>) and of Microsoft.FeatureManagement (<c>VariantAssignmentReason</c>).
/// </summary>
internal static class FeatureFlagReasons
{
    /// <summary>The OpenTelemetry reason: <c>default</c>, <c>targeting_match</c>, <c>static</c>, <c>split</c>, <c>disabled</c> or <c>error</c>.</summary>
    public static string Of(FeatureSource source) => source switch
    {
        FeatureSource.DefaultValue => "default",
        FeatureSource.Force => "targeting_match",
        FeatureSource.Override => "static",
        FeatureSource.Experiment => "split",
        FeatureSource.Prerequisite => "disabled",
        _ => "error",
    };

    /// <summary>The <c>error.type</c> for an error reason, else null.</summary>
    public static string? ErrorType(FeatureSource source) => source switch
    {
        FeatureSource.UnknownFeature => "flag_not_found",
        FeatureSource.CyclicPrerequisite => "general",
        _ => null,
    };

    /// <summary>GrowthBook's own name of the source (<c>defaultValue</c>, <c>force</c>, …), as its SDKs report it.</summary>
    public static string GrowthBookName(FeatureSource source) => source switch
    {
        FeatureSource.UnknownFeature => "unknownFeature",
        FeatureSource.DefaultValue => "defaultValue",
        FeatureSource.Force => "force",
        FeatureSource.Override => "override",
        FeatureSource.Experiment => "experiment",
        FeatureSource.Prerequisite => "prerequisite",
        _ => "cyclicPrerequisite",
    };

    /// <summary>Microsoft.FeatureManagement's <c>VariantAssignmentReason</c> name for the source.</summary>
    public static string VariantAssignmentReason(FeatureResult result) => result.Source switch
    {
        FeatureSource.Experiment => "Percentile",
        FeatureSource.Force => "Group",
        FeatureSource.Override => "User",
        FeatureSource.DefaultValue => result.On ? "DefaultWhenEnabled" : "DefaultWhenDisabled",
        _ => "None",
    };

    /// <summary>The variant name reported for a result: the variation key, the rule id (or <c>force</c>), <c>default</c>, or null.</summary>
    public static string? Variant(FeatureResult result) => result.Source switch
    {
        FeatureSource.Experiment => result.ExperimentResult?.Key,
        FeatureSource.Force => string.IsNullOrEmpty(result.RuleId) ? "force" : result.RuleId,
        FeatureSource.DefaultValue => "default",
        FeatureSource.Override => "override",
        _ => null,
    };
}
