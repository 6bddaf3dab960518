using System.Collections.Frozen;
using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Decryption;
using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Json;
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
    private readonly FrozenDictionary<string, FeatureDefinition> _features;

    private GrowthBookPayload(
        FrozenDictionary<string, FeatureDefinition> features,
        ExperimentDefinition[] experiments,
        SavedGroups savedGroups,
        string? dateUpdated,
        IReadOnlyList<string> warnings)
    {
        _features = features;
        AutoExperiments = experiments;
        SavedGroups = savedGroups;
        DateUpdated = dateUpdated;
        Warnings = warnings;
        StickyBucketAttributes = DeriveStickyBucketAttributes(features.Values, experiments);
    }

    /// <summary>An empty payload: every feature is unknown.</summary>
    public static GrowthBookPayload Empty { get; } = new(
        FrozenDictionary<string, FeatureDefinition>.Empty, [], SavedGroups.Empty, null, []);

    /// <summary>The payload's <c>dateUpdated</c>, as sent.</summary>
    public string? DateUpdated { get; }

    /// <summary>The keys of the features in the payload (skipped malformed features excluded).</summary>
    public IReadOnlyCollection<string> FeatureKeys => _features.Keys;

    /// <summary>Problems found while compiling (skipped features and rules, invalid regexes, unknown operators), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal ExperimentDefinition[] AutoExperiments { get; }

    internal SavedGroups SavedGroups { get; }

    /// <summary>The attributes sticky bucketing looks up documents for (<c>deriveStickyBucketIdentifierAttributes</c>).</summary>
    internal string[] StickyBucketAttributes { get; }

    internal bool TryGetFeature(string key, out FeatureDefinition feature) => _features.TryGetValue(key, out feature!);

    /// <summary>Parses and compiles a payload from JSON text.</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload Parse(string json, GrowthBookPayloadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json, JsJson.DocumentOptions);
        return FromJson(document.RootElement, options);
    }

    /// <summary>Parses and compiles a payload from UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The bytes are not JSON, or not a JSON object.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload Parse(ReadOnlyMemory<byte> utf8Json, GrowthBookPayloadOptions? options = null)
    {
        using var document = JsonDocument.Parse(utf8Json, JsJson.DocumentOptions);
        return FromJson(document.RootElement, options);
    }

    /// <summary>Compiles a payload from a parsed JSON object.</summary>
    /// <exception cref="JsonException">
    /// The element is not a JSON object, or a feature, rule or experiment has a property name System.Text.Json cannot
    /// read (an escaped lone surrogate).
    /// </exception>
    /// <exception cref="GrowthBookDecryptionException">The payload is encrypted and the key is missing or wrong.</exception>
    public static GrowthBookPayload FromJson(JsonElement json, GrowthBookPayloadOptions? options = null)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A GrowthBook payload must be a JSON object.");
        }

        try
        {
            return Compile(json, options);
        }
        catch (InvalidOperationException e)
        {
            // TryGetProperty unescapes every name of the object it searches, and throws on a lone surrogate: such a
            // payload is refused as JSON it cannot read (the caller keeps its previous payload), never a surprise exception.
            throw new JsonException("The payload has a property name that cannot be read (an escaped lone surrogate).", e);
        }
    }

    private static GrowthBookPayload Compile(JsonElement json, GrowthBookPayloadOptions? options)
    {

        // One copy of the document backs every value element the compiled model hands out.
        var root = json.Clone();
        var key = options?.DecryptionKey;
        var features = Section(root, "features", "encryptedFeatures", key);
        var experiments = Section(root, "experiments", "encryptedExperiments", key);
        var savedGroupsElement = Section(root, "savedGroups", "encryptedSavedGroups", key);
        var banditsElement = Section(root, "contextualBandits", "encryptedContextualBandits", key);

        var warnings = new List<string>();
        var savedGroups = savedGroupsElement is { ValueKind: JsonValueKind.Object } sg
            ? new SavedGroups(JsJson.ObjectFromElement(sg))
            : SavedGroups.Empty;
        var bandits = banditsElement is { ValueKind: JsonValueKind.Object } b ? JsJson.ObjectFromElement(b) : JsObject.Empty;
        var compiler = new PayloadCompiler(savedGroups, bandits, warnings);
        savedGroups.CompileConditions(compiler.Conditions);

        var compiled = new Dictionary<string, FeatureDefinition>(StringComparer.Ordinal);
        if (features is { ValueKind: JsonValueKind.Object } f)
        {
            foreach (var property in f.EnumerateObject())
            {
                var name = JsJson.ReadName(property); // property.Name throws on an escaped lone surrogate
                if (compiler.CompileFeature(name, property.Value) is { } feature)
                {
                    compiled[name] = feature;
                }
            }
        }
        else if (features is { ValueKind: not JsonValueKind.Null })
        {
            warnings.Add("'features' is not an object; no features loaded.");
        }

        var autoExperiments = new List<ExperimentDefinition>();
        if (experiments is { ValueKind: JsonValueKind.Array } list)
        {
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                try
                {
                    var source = JsJson.FromElement(item);
                    if (source.Type != JsType.Object)
                    {
                        throw new PayloadFormatException("an experiment must be an object");
                    }

                    autoExperiments.Add(ExperimentDefinition.Compile(source.ObjectValue, compiler.Conditions));
                }
                catch (PayloadFormatException e)
                {
                    warnings.Add($"Experiment {index} skipped: {e.Message}.");
                }

                index++;
            }
        }

        warnings.AddRange(compiler.Conditions.Problems.Distinct());
        var dateUpdated = root.TryGetProperty("dateUpdated", out var du) && du.ValueKind == JsonValueKind.String ? JsJson.ReadString(du) : null;
        var payload = new GrowthBookPayload(compiled.ToFrozenDictionary(StringComparer.Ordinal), [.. autoExperiments], savedGroups, dateUpdated, warnings);

        if (options?.Logger is { } logger)
        {
            foreach (var warning in warnings)
            {
                LogWarning(logger, warning);
            }
        }

        return payload;
    }

    /// <summary>Creates a payload from feature definitions only (<c>{"key": {"defaultValue": …, "rules": […]}}</c>).</summary>
    /// <exception cref="JsonException">The element is not a JSON object.</exception>
    public static GrowthBookPayload FromFeatures(JsonElement features, GrowthBookPayloadOptions? options = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("features");
            features.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Parse(buffer.WrittenMemory, options);
    }

    // The plain section, or its encrypted form decrypted with the key (ENGINE-NOTES §2.11).
    private static JsonElement? Section(JsonElement root, string plainName, string encryptedName, string? key)
    {
        if (root.TryGetProperty(encryptedName, out var encrypted) && encrypted.ValueKind == JsonValueKind.String)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new GrowthBookDecryptionException($"The payload's '{encryptedName}' is encrypted, but no decryption key is configured.", DecryptionFailure.MissingKey);
            }

            var plaintext = PayloadDecryptor.Decrypt(JsJson.ReadString(encrypted), key);
            try
            {
                using var document = JsonDocument.Parse(plaintext, JsJson.DocumentOptions);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new GrowthBookDecryptionException($"The decrypted '{encryptedName}' is not valid JSON.", DecryptionFailure.InvalidJson);
            }
        }

        return root.TryGetProperty(plainName, out var plain) ? plain : null;
    }

    private static string[] DeriveStickyBucketAttributes(IEnumerable<FeatureDefinition> features, ExperimentDefinition[] experiments)
    {
        var attributes = new List<string>();
        void Add(string? attribute)
        {
            if (attribute is not null && !attributes.Contains(attribute))
            {
                attributes.Add(attribute);
            }
        }

        foreach (var feature in features)
        {
            foreach (var rule in feature.Rules)
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
}
