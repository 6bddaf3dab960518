using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// A compiled feature: its default value and its rules. Immutable once its payload is published; a later payload
/// whose JSON for this feature is byte-identical reuses it (<see cref="Payload.PayloadCompiler"/>).
/// </summary>
internal sealed class FeatureDefinition(string key, FeatureValue defaultValue, FeatureRule[] rules)
{
    private FeatureResult? _defaultResult;

    public string Key { get; } = key;

    public FeatureValue DefaultValue { get; } = defaultValue;

    public FeatureRule[] Rules { get; } = rules;

    /// <summary>The shared result when no rule applies, built on first use.</summary>
    public FeatureResult DefaultResult => Volatile.Read(ref _defaultResult) ?? Publish(ref _defaultResult, new FeatureResult(Key, DefaultValue, FeatureSource.DefaultValue, null, null, null));

    /// <summary>A 128-bit hash of the feature's JSON bytes (seeded per process), for reuse by the next payload.</summary>
    public UInt128 Fingerprint { get; private set; }

    /// <summary>The length of the feature's JSON in bytes; 0 when it was not compiled from JSON.</summary>
    public int JsonLength { get; private set; }

    /// <summary>Its conditions read the payload's saved groups: it can be reused only with them.</summary>
    public bool ReadsSavedGroups { get; private set; }

    /// <summary>A rule names a contextual bandit: it can be reused only with the same bandits.</summary>
    public bool ReadsBandits { get; private set; }

    /// <summary>The warnings compiling it gave (skipped rules, condition problems).</summary>
    public string[] Warnings { get; private set; } = [];

    /// <summary>Records how it was compiled, for reuse by the next payload. Called once, before the payload is published.</summary>
    public void Compiled(UInt128 fingerprint, int length, bool readsSavedGroups, bool readsBandits, string[] warnings)
    {
        Fingerprint = fingerprint;
        JsonLength = length;
        ReadsSavedGroups = readsSavedGroups;
        ReadsBandits = readsBandits;
        Warnings = warnings;
    }

    /// <summary>Every value the feature can take (default, forces, variations), in rule order, for listing variants.</summary>
    public FeatureValue[] PossibleValues()
    {
        var count = 1;
        foreach (var rule in Rules)
        {
            count += rule.Force is not null ? 1 : rule.Experiment?.Variations.Length ?? 0;
        }

        var values = new FeatureValue[count];
        var next = 0;
        values[next++] = DefaultValue;
        foreach (var rule in Rules)
        {
            if (rule.Force is { } force)
            {
                values[next++] = force;
            }
            else if (rule.Experiment is { } experiment)
            {
                experiment.Variations.CopyTo(values, next);
                next += experiment.Variations.Length;
            }
        }

        return values;
    }

    /// <summary>
    /// Publishes a lazily built, immutable object: the first one built wins. The compare-exchange is a full fence, so
    /// the object's fields are written before its reference is visible, and readers load the reference with
    /// <c>Volatile.Read</c>: another thread sees null or the whole object, never a half-built one.
    /// </summary>
    internal static T Publish<T>(ref T? field, T built)
        where T : class
        => Interlocked.CompareExchange(ref field, built, null) ?? built;
}

/// <summary>A remote-evaluation exposure carried by a force rule (<c>rule.tracks</c>).</summary>
internal sealed record TrackedExposure(Experiment Experiment, ExperimentResult Result);

/// <summary>A contextual-bandit leaf: users passing <see cref="Condition"/> run <see cref="Experiment"/> (with the leaf's weights).</summary>
internal sealed record BanditLeaf(Condition Condition, ExperimentDefinition Experiment);

/// <summary>A rollout's hashing: who is included by <c>range</c> or <c>coverage</c> (<c>isIncludedInRollout</c>).</summary>
internal sealed class Rollout
{
    public required string Seed { get; init; }

    /// <summary>FNV-1a state after <see cref="Seed"/>, for hash version 2.</summary>
    public uint SeedState => field == 0 ? field = Hashing.Fnv.Append(Hashing.Fnv.OffsetBasis, Seed) : field;

    public string? HashAttribute { get; init; }

    public string? FallbackAttribute { get; init; }

    public bool DisableStickyBucketing { get; init; }

    public BucketRange? Range { get; init; }

    public double? Coverage { get; init; }

    public int HashVersion { get; init; } = 1;
}

/// <summary>A compiled feature rule: a force/rollout rule or an experiment rule.</summary>
internal sealed class FeatureRule
{
    private readonly Extras? _extras;
    private FeatureResult? _forceResult;

    public FeatureRule(CompiledParent[]? parentConditions = null, ExperimentFilter[]? filters = null, TrackedExposure[]? tracks = null, BanditLeaf[]? banditLeaves = null)
    {
        if (parentConditions is not null || filters is not null || tracks is not null || banditLeaves is not null)
        {
            _extras = new Extras(parentConditions, filters, tracks, banditLeaves);
        }
    }

    public string? Id { get; init; }

    public CompiledParent[]? ParentConditions => _extras?.ParentConditions;

    public ExperimentFilter[]? Filters => _extras?.Filters;

    // Force rules ("force" in rule)

    /// <summary>The value a matching force rule gives; null for experiment rules.</summary>
    public FeatureValue? Force { get; init; }

    public Condition? Condition { get; init; }

    /// <summary>Who the force rule includes, when it has a <c>range</c> or <c>coverage</c>; null includes everyone.</summary>
    public Rollout? Rollout { get; init; }

    public TrackedExposure[]? Tracks => _extras?.Tracks;

    // Experiment rules

    /// <summary>The experiment the rule runs (the fallback experiment for a contextual bandit); null for force rules and prerequisite-only rules.</summary>
    public ExperimentDefinition? Experiment { get; init; }

    /// <summary>Contextual-bandit leaves, tried in order before <see cref="Experiment"/>.</summary>
    public BanditLeaf[]? BanditLeaves => _extras?.BanditLeaves;

    /// <summary>The shared result a matching force rule of feature <paramref name="featureKey"/> returns, built on first use.</summary>
    public FeatureResult ForceResult(string featureKey)
        => Volatile.Read(ref _forceResult) ?? FeatureDefinition.Publish(ref _forceResult, new FeatureResult(featureKey, Force!, FeatureSource.Force, Id, null, null));

    // What few rules have, in one object most do not allocate.
    private sealed record Extras(CompiledParent[]? ParentConditions, ExperimentFilter[]? Filters, TrackedExposure[]? Tracks, BanditLeaf[]? BanditLeaves);
}
