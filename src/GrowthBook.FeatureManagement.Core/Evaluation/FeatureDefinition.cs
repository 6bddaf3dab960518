using System.Runtime.CompilerServices;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// A compiled feature: its default value and its rules. Immutable once its payload is published; a later payload
/// whose JSON for this feature is byte-identical reuses it (<see cref="Payload.PayloadCompiler"/>, <see cref="Payload.FeatureStamp"/>).
/// </summary>
internal sealed class FeatureDefinition
{
    // The default value, deferred, then the result that returns it once built (DefaultResult).
    private object _default;

    // No rule: null; one rule (most features have at most one): the rule itself, saving an array; more: FeatureRule[].
    private object? _rules;

    public FeatureDefinition(string key, DeferredValue defaultValue, ReadOnlySpan<FeatureRule> rules)
    {
        Key = key;
        _default = defaultValue.Value;
        _rules = rules.Length switch
        {
            0 => null,
            1 => rules[0],
            _ => rules.ToArray(),
        };
    }

    public string Key { get; }

    public FeatureValue DefaultValue => DefaultResult.RawValue;

    /// <summary>The rules, in order.</summary>
    public ReadOnlySpan<FeatureRule> Rules
    {
        get
        {
            // Exact type tests: `is FeatureRule[]` would also accept a ForceRule[] (array covariance) and go through a slower cast helper.
            var rules = _rules;
            if (rules is null)
            {
                return default;
            }

            return rules.GetType() == typeof(FeatureRule[])
                ? Unsafe.As<FeatureRule[]>(rules)
                : new ReadOnlySpan<FeatureRule>(ref Unsafe.As<object?, FeatureRule>(ref _rules)); // the field holds a FeatureRule
        }
    }

    /// <summary>The shared result when no rule applies, built on first use.</summary>
    public FeatureResult DefaultResult => Volatile.Read(ref _default) as FeatureResult ?? ResultOf(ref _default, Key, FeatureSource.DefaultValue, null);

    /// <summary>Every value the feature can take (default, forces, variations), in rule order, for listing variants.</summary>
    public FeatureValue[] PossibleValues()
    {
        var count = 1;
        foreach (var rule in Rules)
        {
            count += rule is ForceRule ? 1 : rule.Experiment?.Variations.Length ?? 0;
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

    /// <summary>
    /// The result kept in <paramref name="field"/>, which holds a <see cref="DeferredValue"/> until the result returning it is
    /// built, on first use, and put in its place (published as <see cref="Publish"/> does: the first one built wins).
    /// Callers test the field for a result themselves first: that test is the whole cost once the result is built.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static FeatureResult ResultOf(ref object field, string key, FeatureSource source, string? ruleId)
    {
        var current = Volatile.Read(ref field);
        if (current is FeatureResult result)
        {
            return result;
        }

        var built = new FeatureResult(key, FeatureValue.From(DeferredValue.Stored(current)), source, ruleId, null, null);
        var seen = Interlocked.CompareExchange(ref field, built, current);
        return ReferenceEquals(seen, current) ? built : (FeatureResult)seen;
    }
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

/// <summary>A compiled feature rule: an experiment rule, a rule with prerequisites only, or (<see cref="ForceRule"/>) a force rule.</summary>
internal class FeatureRule
{
    private readonly Extras? _extras;

    // A force rule: its value, deferred, then the result that returns it once built (ForceResult). An experiment rule: its
    // ExperimentDefinition. A rule with prerequisites only: null. One field for what rules of each kind need.
    private object? _action;

    private protected FeatureRule(string? id, object? action, CompiledParent[]? parentConditions, ExperimentFilter[]? filters, TrackedExposure[]? tracks, BanditLeaf[]? banditLeaves)
    {
        Id = id;
        _action = action;
        if (parentConditions is not null || filters is not null || tracks is not null || banditLeaves is not null)
        {
            _extras = new Extras(parentConditions, filters, tracks, banditLeaves);
        }
    }

    /// <summary>An experiment rule.</summary>
    public static FeatureRule Running(string? id, ExperimentDefinition experiment, CompiledParent[]? parentConditions, ExperimentFilter[]? filters, BanditLeaf[]? banditLeaves)
        => new(id, experiment, parentConditions, filters, null, banditLeaves);

    /// <summary>A rule that does nothing itself but whose prerequisites still gate the feature.</summary>
    public static FeatureRule Gating(string? id, CompiledParent[] parentConditions, ExperimentFilter[]? filters)
        => new(id, null, parentConditions, filters, null, null);

    public string? Id { get; }

    public CompiledParent[]? ParentConditions => _extras?.ParentConditions;

    public ExperimentFilter[]? Filters => _extras?.Filters;

    /// <summary>The value a matching force rule gives; null for other rules.</summary>
    public FeatureValue? Force => _action switch
    {
        null or ExperimentDefinition => null,
        FeatureResult result => result.RawValue,
        var deferred => FeatureValue.From(DeferredValue.Stored(deferred)),
    };

    public TrackedExposure[]? Tracks => _extras?.Tracks;

    /// <summary>The experiment the rule runs (the fallback experiment for a contextual bandit); null for force rules and prerequisite-only rules.</summary>
    public ExperimentDefinition? Experiment => _action as ExperimentDefinition;

    /// <summary>Contextual-bandit leaves, tried in order before <see cref="Experiment"/>.</summary>
    public BanditLeaf[]? BanditLeaves => _extras?.BanditLeaves;

    /// <summary>The shared result a matching force rule of feature <paramref name="featureKey"/> returns, built on first use.</summary>
    private protected FeatureResult ResultOfForce(string featureKey)
        => Volatile.Read(ref _action) as FeatureResult ?? FeatureDefinition.ResultOf(ref _action!, featureKey, FeatureSource.Force, Id);

    // What few rules have, in one object most do not allocate.
    private sealed record Extras(CompiledParent[]? ParentConditions, ExperimentFilter[]? Filters, TrackedExposure[]? Tracks, BanditLeaf[]? BanditLeaves);
}

/// <summary>A force rule (<c>"force" in rule</c>): a user its condition matches and its rollout includes gets its value.</summary>
internal sealed class ForceRule(
    string? id, DeferredValue value, Condition? condition, Rollout? rollout, CompiledParent[]? parentConditions, ExperimentFilter[]? filters, TrackedExposure[]? tracks)
    : FeatureRule(id, value.Value, parentConditions, filters, tracks, null)
{
    public Condition? Condition { get; } = condition;

    /// <summary>Who the rule includes, when it has a <c>range</c> or <c>coverage</c>; null includes everyone.</summary>
    public Rollout? Rollout { get; } = rollout;

    /// <summary>The shared result the rule returns for feature <paramref name="featureKey"/>, built on first use.</summary>
    public FeatureResult ForceResult(string featureKey) => ResultOfForce(featureKey);
}
