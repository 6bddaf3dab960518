using System.Text.Json;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// An experiment: an inline experiment passed to <c>Run</c>, or the experiment a feature rule ran (reported in
/// <see cref="FeatureResult.Experiment"/>). Immutable. Optional members that are null were not set, exactly as
/// GrowthBook's JavaScript SDK leaves keys out.
/// </summary>
public sealed class Experiment
{
    private volatile ExperimentCache? _cache;

    /// <summary>The experiment key (tracking id).</summary>
    public required string Key { get; init; }

    /// <summary>The variations' values. At least two are needed for anyone to be in the experiment.</summary>
    public required IReadOnlyList<JsonElement> Variations { get; init; }

    /// <summary>Traffic split between variations; equal when absent or invalid (wrong length, not summing to 1).</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>False stops the experiment (nobody is in it).</summary>
    public bool? Active { get; init; }

    /// <summary>"draft", "running" or "stopped".</summary>
    public string? Status { get; init; }

    /// <summary>The share of eligible users included, 0 to 1.</summary>
    public double? Coverage { get; init; }

    /// <summary>Targeting condition on the user's attributes.</summary>
    public JsonElement? Condition { get; init; }

    /// <summary>Prerequisite features.</summary>
    public IReadOnlyList<ParentCondition>? ParentConditions { get; init; }

    /// <summary>The namespace the experiment lives in.</summary>
    public Namespace? Namespace { get; init; }

    /// <summary>Forces every included user into this variation index.</summary>
    public int? Force { get; init; }

    /// <summary>The attribute hashed for bucketing; defaults to <c>id</c>.</summary>
    public string? HashAttribute { get; init; }

    /// <summary>Attribute used when <see cref="HashAttribute"/> is empty, with sticky bucketing on.</summary>
    public string? FallbackAttribute { get; init; }

    /// <summary>The hash version, 1 (default) or 2.</summary>
    public int? HashVersion { get; init; }

    /// <summary>Opts this experiment out of sticky bucketing.</summary>
    public bool? DisableStickyBucketing { get; init; }

    /// <summary>Sticky-bucket version; raising it re-buckets users.</summary>
    public int? BucketVersion { get; init; }

    /// <summary>Users with sticky buckets from an older version than this are excluded.</summary>
    public int? MinBucketVersion { get; init; }

    /// <summary>Per-variation metadata (key, name, passthrough).</summary>
    public IReadOnlyList<VariationMeta>? Meta { get; init; }

    /// <summary>Explicit bucket ranges per variation; when set, coverage and weights are not used.</summary>
    public IReadOnlyList<BucketRange>? Ranges { get; init; }

    /// <summary>A human-readable name.</summary>
    public string? Name { get; init; }

    /// <summary>The experiment phase.</summary>
    public string? Phase { get; init; }

    /// <summary>The hash seed; defaults to <see cref="Key"/>.</summary>
    public string? Seed { get; init; }

    /// <summary>Hash filters (the newer form of namespaces).</summary>
    public IReadOnlyList<ExperimentFilter>? Filters { get; init; }

    /// <summary>The contextual-bandit leaf used for this user, when the rule is a contextual bandit and the user was bucketed.</summary>
    public ContextualBanditAssignment? ContextualBandit { get; init; }

    /// <summary>Parses an experiment from GrowthBook's JSON shape (<c>{"key": …, "variations": […], …}</c>).</summary>
    /// <exception cref="ArgumentException">The JSON is not an object, or a member has the wrong type.</exception>
    public static Experiment FromJson(JsonElement json)
    {
        var value = JsJson.FromElement(json);
        if (value.Type != JsType.Object)
        {
            throw new ArgumentException("An experiment must be a JSON object.", nameof(json));
        }

        try
        {
            return ExperimentJson.ToExperiment(value.ObjectValue);
        }
        catch (PayloadFormatException e)
        {
            throw new ArgumentException("Invalid experiment: " + e.Message, nameof(json), e);
        }
    }

    /// <summary>Parses an experiment from a JSON string.</summary>
    /// <exception cref="ArgumentException">The text is not a valid experiment.</exception>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static Experiment Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json, JsJson.DocumentOptions);
        return FromJson(document.RootElement);
    }

    /// <summary>The experiment's JSON, GrowthBook's shape, with unset members left out.</summary>
    public JsonElement ToJson() => JsJson.ToElement(JsValue.Object(Source));

    /// <summary>The JavaScript-shaped object this experiment stands for (kept when it came from JSON, so key order is the source's).</summary>
    internal JsObject Source
    {
        get => field ??= ExperimentJson.ToJsObject(this);
        init;
    }

    /// <summary>The compiled form for a given set of saved groups (inline experiments are compiled on first run per payload).</summary>
    internal Evaluation.ExperimentDefinition GetDefinition(Conditions.SavedGroups savedGroups)
    {
        var cache = _cache;
        if (cache is not null && ReferenceEquals(cache.SavedGroups, savedGroups))
        {
            return cache.Definition;
        }

        var compiler = new Conditions.ConditionCompiler(savedGroups);
        var definition = Evaluation.ExperimentDefinition.Compile(Source, compiler, new Payload.SharedValues(), this);
        compiler.BindSavedGroupLists();
        _cache = new ExperimentCache(savedGroups, definition);
        return definition;
    }

    private sealed record ExperimentCache(Conditions.SavedGroups SavedGroups, Evaluation.ExperimentDefinition Definition);
}
