using System.Text.Json;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>The outcome of running an experiment for one user (GrowthBook's <c>Result</c>). Immutable.</summary>
public sealed class ExperimentResult
{
    private readonly FeatureValue _value;
    private readonly JsValue _hashValue;

    internal ExperimentResult(
        string key,
        string? featureId,
        bool inExperiment,
        bool hashUsed,
        int variationId,
        FeatureValue value,
        string hashAttribute,
        JsValue hashValue,
        bool stickyBucketUsed,
        string? name,
        double? bucket,
        bool passthrough,
        ContextualBanditAssignment? contextualBandit)
    {
        Key = key;
        FeatureId = featureId;
        InExperiment = inExperiment;
        HashUsed = hashUsed;
        VariationId = variationId;
        _value = value;
        HashAttribute = hashAttribute;
        _hashValue = hashValue;
        StickyBucketUsed = stickyBucketUsed;
        Name = name;
        Bucket = bucket;
        Passthrough = passthrough;
        ContextualBandit = contextualBandit;
    }

    /// <summary>The variation key: its meta key, or the index as a string.</summary>
    public string Key { get; }

    /// <summary>The feature that ran the experiment, or null for an inline experiment.</summary>
    public string? FeatureId { get; }

    /// <summary>Whether the user is in the experiment (false means they get variation 0 without being counted).</summary>
    public bool InExperiment { get; }

    /// <summary>Whether the variation came from hashing (false when forced, overridden or excluded).</summary>
    public bool HashUsed { get; }

    /// <summary>The assigned variation index.</summary>
    public int VariationId { get; }

    /// <summary>The assigned variation's value.</summary>
    public JsonElement Value => _value.Element;

    /// <summary>The attribute used for hashing (possibly the fallback attribute).</summary>
    public string HashAttribute { get; }

    /// <summary>The hashed attribute's value, with its JSON type (an empty string when it was missing).</summary>
    public JsonElement HashValue => JsJson.ToElement(_hashValue);

    /// <summary>Whether a sticky bucket decided the variation.</summary>
    public bool StickyBucketUsed { get; }

    /// <summary>The variation's name from its meta, when it has one.</summary>
    public string? Name { get; }

    /// <summary>The user's hash in [0, 1), when one was computed.</summary>
    public double? Bucket { get; }

    /// <summary>True when the variation is a passthrough (the feature falls through to the next rule).</summary>
    public bool Passthrough { get; }

    /// <summary>The contextual-bandit leaf that set the weights, when the experiment is a contextual bandit and the user was bucketed.</summary>
    public ContextualBanditAssignment? ContextualBandit { get; }

    internal FeatureValue RawValue => _value;

    internal JsValue RawHashValue => _hashValue;
}
