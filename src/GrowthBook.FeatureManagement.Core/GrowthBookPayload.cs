using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Payload;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A GrowthBook payload (the <c>/api/features</c> response), decrypted and compiled once into an immutable model:
/// conditions compiled, regexes built, bucket ranges computed, results that do not depend on the user prepared.
/// Evaluation only reads it, from any number of threads; a new payload replaces an old one by reference.
/// </summary>
public sealed partial class GrowthBookPayload
{
    // Feature key → position in _features. Kept from the previous payload when an update leaves the keys as they were.
    private readonly FeatureIndex _index;
    private readonly FeatureDefinition[] _features;
    private readonly FeatureStamp[] _stamps;

    // The warnings each feature that had any gave when compiled, for a payload that reuses it (most have none).
    private readonly Dictionary<FeatureDefinition, string[]>? _featureWarnings;

    internal GrowthBookPayload(
        FeatureIndex index,
        FeatureDefinition[] features,
        FeatureStamp[] stamps,
        ExperimentDefinition[] experiments,
        SavedGroups savedGroups,
        string? dateUpdated,
        IReadOnlyList<string> warnings,
        Dictionary<FeatureDefinition, string[]>? featureWarnings,
        ulong savedGroupsFingerprint,
        ulong banditsFingerprint)
    {
        _index = index;
        _features = features;
        _stamps = stamps;
        AutoExperiments = experiments;
        SavedGroups = savedGroups;
        DateUpdated = dateUpdated;
        Warnings = warnings;
        _featureWarnings = featureWarnings;
        SavedGroupsFingerprint = savedGroupsFingerprint;
        BanditsFingerprint = banditsFingerprint;
        StickyBucketAttributes = DeriveStickyBucketAttributes(features, stamps, experiments);
    }

    /// <summary>An empty payload: every feature is unknown.</summary>
    public static GrowthBookPayload Empty { get; } = new(
        FeatureIndex.Empty, [], [], [], SavedGroups.Empty, null, [], null, default, default);

    /// <summary>The payload's <c>dateUpdated</c>, as sent.</summary>
    public string? DateUpdated { get; }

    /// <summary>The keys of the features in the payload, in payload order (skipped malformed features excluded).</summary>
    public IReadOnlyCollection<string> FeatureKeys => new FeatureKeyList(_features);

    /// <summary>Problems found while compiling (skipped features and rules, invalid regexes, unknown operators), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal ExperimentDefinition[] AutoExperiments { get; }

    internal SavedGroups SavedGroups { get; }

    /// <summary>The fingerprint of the <c>savedGroups</c> JSON this payload was compiled from (default: none).</summary>
    internal ulong SavedGroupsFingerprint { get; }

    /// <summary>The fingerprint of the <c>contextualBandits</c> JSON this payload was compiled from (default: none).</summary>
    internal ulong BanditsFingerprint { get; }

    /// <summary>The attributes sticky bucketing looks up documents for (<c>deriveStickyBucketIdentifierAttributes</c>).</summary>
    internal string[] StickyBucketAttributes { get; }

    /// <summary>The feature index (key → position in <see cref="Features"/>).</summary>
    internal FeatureIndex Index => _index;

    /// <summary>The compiled features, in payload order.</summary>
    internal FeatureDefinition[] Features => _features;

    /// <summary>What the next payload needs to reuse each of <see cref="Features"/> (same positions).</summary>
    internal FeatureStamp[] Stamps => _stamps;

    /// <summary>The warnings compiling <paramref name="feature"/> gave (skipped rules, condition problems).</summary>
    internal string[] WarningsOf(FeatureDefinition feature)
        => _featureWarnings is not null && _featureWarnings.TryGetValue(feature, out var warnings) ? warnings : [];

    internal bool TryGetFeature(string key, out FeatureDefinition feature)
    {
        if (_index.TryGetValue(key, out var position))
        {
            feature = _features[position];
            return true;
        }

        feature = null!;
        return false;
    }

    /// <summary>Parses and compiles a payload from JSON text.</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload Parse(string json, GrowthBookPayloadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Parses and compiles a payload from UTF-8 JSON.</summary>
    /// <remarks>
    /// With <see cref="GrowthBookPayloadOptions.Previous"/> set, features whose JSON is byte-identical to that
    /// payload's reuse their compiled form: an update that changes a few features costs about what those features
    /// cost. The result is the same as compiling the whole text.
    /// </remarks>
    /// <exception cref="JsonException">The bytes are not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload Parse(ReadOnlyMemory<byte> utf8Json, GrowthBookPayloadOptions? options = null)
    {
        GrowthBookPayload payload;
        try
        {
            payload = PayloadCompiler.Compile(utf8Json, options?.DecryptionKey, options?.Previous);
        }
        catch (JsonException e) when (e.GetType() != typeof(JsonException))
        {
            // The reader's own subclass is internal to System.Text.Json: callers get the documented type.
            throw new JsonException(e.Message, e.Path, e.LineNumber, e.BytePositionInLine, e);
        }

        if (options?.Logger is { } logger)
        {
            foreach (var warning in payload.Warnings)
            {
                LogWarning(logger, warning);
            }
        }

        return payload;
    }

    /// <summary>Compiles a payload from a parsed JSON object.</summary>
    /// <exception cref="JsonException">The element is not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload FromJson(JsonElement json, GrowthBookPayloadOptions? options = null)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A GrowthBook payload must be a JSON object.");
        }

        return Parse(Encoding.UTF8.GetBytes(json.GetRawText()), options);
    }

    /// <summary>Creates a payload from feature definitions only (<c>{"key": {"defaultValue": …, "rules": […]}}</c>).</summary>
    /// <exception cref="JsonException">The element is not a JSON object.</exception>
    public static GrowthBookPayload FromFeatures(JsonElement features, GrowthBookPayloadOptions? options = null)
        => Parse(Encoding.UTF8.GetBytes("{\"features\":" + features.GetRawText() + "}"), options);

    /// <summary>Whether <paramref name="features"/> have the previous payload's keys, in the same order (its index then serves).</summary>
    internal static bool SameKeys(FeatureDefinition[] features, GrowthBookPayload? previous)
    {
        if (previous is null || previous._features.Length != features.Length)
        {
            return false;
        }

        for (var i = 0; i < features.Length; i++)
        {
            // A feature reused from the previous payload has its key: only the others' keys are looked at.
            var before = previous._features[i];
            if (!ReferenceEquals(before, features[i]) && !string.Equals(before.Key, features[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] DeriveStickyBucketAttributes(FeatureDefinition[] features, FeatureStamp[] stamps, ExperimentDefinition[] experiments)
    {
        var attributes = new List<string>();
        void Add(string? attribute)
        {
            if (attribute is not null && !attributes.Contains(attribute))
            {
                attributes.Add(attribute);
            }
        }

        for (var i = 0; i < features.Length; i++)
        {
            if (!stamps[i].RunsExperiments)
            {
                continue;
            }

            foreach (var rule in features[i].Rules)
            {
                if (rule.Experiment is { } experiment)
                {
                    Add(experiment.HashAttribute);
                    Add(experiment.FallbackAttribute);
                }
            }
        }

        foreach (var experiment in experiments)
        {
            Add(experiment.HashAttribute);
            Add(experiment.FallbackAttribute);
        }

        return [.. attributes];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "GrowthBook payload: {Problem}")]
    private static partial void LogWarning(ILogger logger, string problem);

    // The features' keys, read from the features themselves (no array of them is kept).
    private sealed class FeatureKeyList(FeatureDefinition[] features) : IReadOnlyCollection<string>
    {
        public int Count => features.Length;

        public IEnumerator<string> GetEnumerator()
        {
            foreach (var feature in features)
            {
                yield return feature.Key;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
