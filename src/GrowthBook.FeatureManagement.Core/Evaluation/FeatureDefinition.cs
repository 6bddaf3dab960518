using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>A compiled feature: its default value (with the shared default result) and its rules.</summary>
internal sealed class FeatureDefinition
{
    public required string Key { get; init; }

    public required FeatureValue DefaultValue { get; init; }

    public required FeatureResult DefaultResult { get; init; }

    public required FeatureRule[] Rules { get; init; }

    /// <summary>Every value the feature can take (default, forces, variations), for listing variants.</summary>
    public IEnumerable<FeatureValue> PossibleValues()
    {
        yield return DefaultValue;
        foreach (var rule in Rules)
        {
            if (rule.ForceResult is not null)
            {
                yield return rule.ForceResult.RawValue;
            }

            if (rule.Experiment is not null)
            {
                foreach (var variation in rule.Experiment.Variations)
                {
                    yield return variation;
                }
            }
        }
    }
}

/// <summary>A remote-evaluation exposure carried by a force rule (<c>rule.tracks</c>).</summary>
internal sealed record TrackedExposure(Experiment Experiment, ExperimentResult Result);

/// <summary>A contextual-bandit leaf: users passing <see cref="Condition"/> run <see cref="Experiment"/> (with the leaf's weights).</summary>
internal sealed record BanditLeaf(Condition Condition, ExperimentDefinition Experiment);

/// <summary>A compiled feature rule: a force/rollout rule or an experiment rule.</summary>
internal sealed class FeatureRule
{
    public string? Id { get; init; }

    public CompiledParent[]? ParentConditions { get; init; }

    public ExperimentFilter[]? Filters { get; init; }

    // Force rules ("force" in rule)

    /// <summary>The shared result a matching force rule returns; null for experiment rules.</summary>
    public FeatureResult? ForceResult { get; init; }

    public Condition? Condition { get; init; }

    public string Seed { get; init; } = "";

    /// <summary>FNV-1a state after <see cref="Seed"/>, for hash version 2.</summary>
    public uint SeedState => field == 0 ? field = Hashing.Fnv.Append(Hashing.Fnv.OffsetBasis, Seed) : field;

    public string? HashAttribute { get; init; }

    public string? FallbackAttribute { get; init; }

    public bool DisableStickyBucketing { get; init; }

    public BucketRange? Range { get; init; }

    public double? Coverage { get; init; }

    public int HashVersion { get; init; } = 1;

    public TrackedExposure[]? Tracks { get; init; }

    // Experiment rules

    /// <summary>The experiment the rule runs (the fallback experiment for a contextual bandit); null for force rules and prerequisite-only rules.</summary>
    public ExperimentDefinition? Experiment { get; init; }

    /// <summary>Contextual-bandit leaves, tried in order before <see cref="Experiment"/>.</summary>
    public BanditLeaf[]? BanditLeaves { get; init; }
}
