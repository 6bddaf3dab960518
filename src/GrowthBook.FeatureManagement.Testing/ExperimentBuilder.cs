using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// Describes an experiment rule: its variations (with optional keys and names), weights, coverage and how users are
/// hashed. Each setting becomes the field of the same name in GrowthBook's payload; what is not set is left out, so
/// GrowthBook's defaults apply (equal weights, coverage 1, hash attribute <c>id</c>, the key as seed, hash version 1).
/// To put a user in a chosen variation, use <see cref="GrowthBookTestData.ForceVariation"/> (GrowthBook's forced
/// variations) or weights that give one variation everything.
/// </summary>
public sealed class ExperimentBuilder
{
    private readonly List<(byte[] Value, string? Key, string? Name)> _variations = [];
    private double[]? _weights;
    private double? _coverage;
    private string? _hashAttribute;
    private string? _seed;
    private int? _hashVersion;
    private string? _name;

    internal ExperimentBuilder()
    {
    }

    internal string? RuleIdValue { get; private set; }

    /// <summary>Adds variations, in order (variation 0 is usually the control).</summary>
    /// <param name="values">The variations' values.</param>
    public ExperimentBuilder Variations(params JsonNode?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            _variations.Add((PayloadJson.Value(value, nameof(values)), null, null));
        }

        return this;
    }

    /// <summary>Adds one variation, with the key and name GrowthBook reports for it (<c>meta</c>; without a key, the variation's index is its key).</summary>
    /// <param name="value">The variation's value.</param>
    /// <param name="key">The variation key (<see cref="ExperimentResult.Key"/>; the variant name through Microsoft.FeatureManagement).</param>
    /// <param name="name">The variation's name.</param>
    public ExperimentBuilder Variation(JsonNode? value, string? key = null, string? name = null)
    {
        _variations.Add((PayloadJson.Value(value, nameof(value)), key, name));
        return this;
    }

    /// <summary>How users are split among the variations, one weight per variation, adding up to 1.</summary>
    /// <param name="weights">The weights.</param>
    /// <exception cref="ArgumentException">A weight is negative or not finite, or they do not add up to 1 (GrowthBook would ignore them and split equally).</exception>
    public ExperimentBuilder Weights(params double[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        foreach (var weight in weights)
        {
            Check.Share(weight, nameof(weights));
        }

        // GrowthBook's getBucketRanges ignores weights whose sum is outside [0.99, 1.01]: refuse them rather than let a test
        // think it set weights that are not used.
        var sum = weights.Sum();
        if (sum < 0.99 || sum > 1.01)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Weights add up to {sum}, not 1: GrowthBook would ignore them and split users equally."), nameof(weights));
        }

        _weights = [.. weights];
        return this;
    }

    /// <summary>The share of users in the experiment, from 0 to 1 (GrowthBook's default: 1); the others go on to the next rule.</summary>
    /// <param name="coverage">The share.</param>
    public ExperimentBuilder Coverage(double coverage)
    {
        Check.Share(coverage, nameof(coverage));
        _coverage = coverage;
        return this;
    }

    /// <summary>The attribute users are hashed by (GrowthBook's default: <c>id</c>). Users without it are not in the experiment.</summary>
    /// <param name="attribute">The attribute.</param>
    public ExperimentBuilder HashAttribute(string attribute)
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        _hashAttribute = attribute;
        return this;
    }

    /// <summary>The hash seed (GrowthBook's default: the experiment key). Give the seed of a real experiment to bucket users as it does.</summary>
    /// <param name="seed">The seed.</param>
    public ExperimentBuilder Seed(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        _seed = seed;
        return this;
    }

    /// <summary>The hashing algorithm's version: 1 (GrowthBook's default when absent) or 2 (what GrowthBook writes for new experiments).</summary>
    /// <param name="version">1 or 2.</param>
    public ExperimentBuilder HashVersion(int version)
    {
        if (version is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "GrowthBook's hash versions are 1 and 2.");
        }

        _hashVersion = version;
        return this;
    }

    /// <summary>The experiment's name.</summary>
    /// <param name="name">The name.</param>
    public ExperimentBuilder Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _name = name;
        return this;
    }

    /// <summary>The rule's id (<see cref="FeatureResult.RuleId"/>). None when not set.</summary>
    /// <param name="ruleId">The id.</param>
    public ExperimentBuilder RuleId(string ruleId)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        RuleIdValue = ruleId;
        return this;
    }

    /// <summary>Checks the experiment and returns what writes its fields.</summary>
    internal Action<Utf8JsonWriter> Build(string key)
    {
        if (_variations.Count < 2)
        {
            throw new ArgumentException($"Experiment '{key}' has {_variations.Count} variation(s): GrowthBook puts nobody in an experiment with fewer than two.");
        }

        if (_weights is not null && _weights.Length != _variations.Count)
        {
            throw new ArgumentException($"Experiment '{key}' has {_variations.Count} variations but {_weights.Length} weights: GrowthBook would ignore them and split users equally.");
        }

        var variations = _variations.ToList();
        var weights = _weights;
        var (coverage, hashAttribute, seed, hashVersion, name) = (_coverage, _hashAttribute, _seed, _hashVersion, _name);
        return writer =>
        {
            writer.WriteString("key", key);
            writer.WriteStartArray("variations");
            foreach (var variation in variations)
            {
                writer.WriteRawValue(variation.Value, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (weights is not null)
            {
                writer.WriteStartArray("weights");
                foreach (var weight in weights)
                {
                    writer.WriteNumberValue(weight);
                }

                writer.WriteEndArray();
            }

            if (coverage is { } c)
            {
                writer.WriteNumber("coverage", c);
            }

            if (hashAttribute is not null)
            {
                writer.WriteString("hashAttribute", hashAttribute);
            }

            if (seed is not null)
            {
                writer.WriteString("seed", seed);
            }

            if (hashVersion is { } version)
            {
                writer.WriteNumber("hashVersion", version);
            }

            if (name is not null)
            {
                writer.WriteString("name", name);
            }

            if (variations.Any(v => v.Key is not null || v.Name is not null))
            {
                writer.WriteStartArray("meta");
                foreach (var (_, variationKey, variationName) in variations)
                {
                    writer.WriteStartObject();
                    if (variationKey is not null)
                    {
                        writer.WriteString("key", variationKey);
                    }

                    if (variationName is not null)
                    {
                        writer.WriteString("name", variationName);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
        };
    }
}
