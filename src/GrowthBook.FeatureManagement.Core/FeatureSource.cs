namespace GrowthBook.FeatureManagement;

/// <summary>Why a feature has the value it has (GrowthBook's <c>FeatureResult.source</c>).</summary>
public enum FeatureSource
{
    /// <summary>The feature is not in the payload; the value is null.</summary>
    UnknownFeature,

    /// <summary>No rule applied; the feature's <c>defaultValue</c> is used.</summary>
    DefaultValue,

    /// <summary>A force (or rollout) rule matched.</summary>
    Force,

    /// <summary>The value was forced for this user or client (<c>forcedFeatureValues</c>).</summary>
    Override,

    /// <summary>The user is in an experiment rule; the value is their variation's.</summary>
    Experiment,

    /// <summary>A blocking prerequisite (gate) failed; the value is null.</summary>
    Prerequisite,

    /// <summary>Prerequisites form a cycle; the value is null.</summary>
    CyclicPrerequisite,
}
