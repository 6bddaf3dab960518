using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Compiles a decrypted GrowthBook payload into the immutable model evaluation reads. A malformed feature or
/// rule is skipped with one warning naming it; everything else keeps working.
/// </summary>
internal sealed class PayloadCompiler
{
    private readonly ConditionCompiler _conditions;
    private readonly JsObject _bandits;
    private readonly List<string> _warnings;

    public PayloadCompiler(SavedGroups savedGroups, JsObject bandits, List<string> warnings)
    {
        _conditions = new ConditionCompiler(savedGroups);
        _bandits = bandits;
        _warnings = warnings;
    }

    public ConditionCompiler Conditions => _conditions;

    public FeatureDefinition? CompileFeature(string key, JsonElement element)
    {
        try
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadFormatException("a feature must be an object");
            }

            var defaultValue = element.TryGetProperty("defaultValue", out var defaultElement)
                ? FeatureValue.FromElement(defaultElement)
                : FeatureValue.Null;
            var rules = new List<FeatureRule>();
            if (element.TryGetProperty("rules", out var rulesElement) && rulesElement.ValueKind != JsonValueKind.Null)
            {
                if (rulesElement.ValueKind != JsonValueKind.Array)
                {
                    throw new PayloadFormatException("'rules' must be an array");
                }

                var index = 0;
                foreach (var ruleElement in rulesElement.EnumerateArray())
                {
                    var rule = CompileRule(key, index++, ruleElement);
                    if (rule is not null)
                    {
                        rules.Add(rule);
                    }
                }
            }

            return new FeatureDefinition
            {
                Key = key,
                DefaultValue = defaultValue,
                DefaultResult = new FeatureResult(key, defaultValue, FeatureSource.DefaultValue, null, null, null),
                Rules = [.. rules],
            };
        }
        catch (PayloadFormatException e)
        {
            _warnings.Add($"Feature '{key}' skipped: {e.Message}.");
            return null;
        }
    }

    private FeatureRule? CompileRule(string featureKey, int index, JsonElement element)
    {
        try
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadFormatException("a rule must be an object");
            }

            var rule = JsJson.FromElement(element).ObjectValue;
            var id = JsRead.TruthyString(rule, "id");
            var parents = ExperimentDefinition.CompileParents(rule["parentConditions"], _conditions);
            var filters = ExperimentJson.ReadFilters(rule)?.ToArray();

            if (rule.TryGetValue("force", out _))
            {
                var force = FeatureValue.FromElement(element.GetProperty("force"));
                var condition = rule["condition"];
                var range = rule["range"];
                return new FeatureRule
                {
                    Id = id,
                    ParentConditions = parents,
                    Filters = filters,
                    ForceResult = new FeatureResult(featureKey, force, FeatureSource.Force, id, null, null),
                    Condition = condition.IsTruthy ? _conditions.Compile(condition) : null,
                    Seed = JsRead.TruthyString(rule, "seed") ?? featureKey,
                    HashAttribute = JsRead.TruthyString(rule, "hashAttribute"),
                    FallbackAttribute = JsRead.TruthyString(rule, "fallbackAttribute"),
                    DisableStickyBucketing = rule["disableStickyBucketing"].IsTruthy,
                    Range = range.IsTruthy ? JsRead.Range(range, "range") : null,
                    Coverage = JsRead.Number(rule, "coverage"),
                    HashVersion = JsRead.TruthyInt(rule, "hashVersion") ?? 1,
                    Tracks = ReadTracks(rule),
                };
            }

            // Contextual bandit rules carry their variations under `contextualVariations`.
            var variationsKey = rule["contextualVariations"].IsNull ? "variations" : "contextualVariations";
            var variations = rule[variationsKey];
            if (variations.IsNull)
            {
                // Neither force nor variations: the rule does nothing itself, but its prerequisites still gate the feature.
                return parents is null ? null : new FeatureRule { Id = id, ParentConditions = parents, Filters = filters };
            }

            if (variations.Type != JsType.Array)
            {
                throw JsRead.Wrong(variationsKey, "an array");
            }

            var variationElements = element.GetProperty(variationsKey).EnumerateArray().ToArray();
            JsonElement? conditionElement = element.TryGetProperty("condition", out var c) ? c : null;
            var source = BuildRuleExperiment(featureKey, rule, variations);
            var experiment = ExperimentDefinition.Compile(source, _conditions, ExperimentJson.ToExperiment(source, variationElements, conditionElement));

            BanditLeaf[]? leaves = null;
            var banditRef = JsRead.TruthyString(rule, "contextualBanditRef");
            if (banditRef is not null && _bandits.TryGetValue(banditRef, out var bandit) && bandit.IsTruthy)
            {
                (leaves, experiment) = CompileBandit(source, bandit, experiment, variationElements, conditionElement);
            }

            return new FeatureRule
            {
                Id = id,
                ParentConditions = parents,
                Filters = filters,
                Experiment = experiment,
                BanditLeaves = leaves,
            };
        }
        catch (PayloadFormatException e)
        {
            _warnings.Add($"Feature '{featureKey}' rule {index} skipped: {e.Message}.");
            return null;
        }
    }

    // evalFeature copies exactly these keys from the rule into the experiment (ENGINE-NOTES §2.5).
    private static JsObject BuildRuleExperiment(string featureKey, JsObject rule, JsValue variations)
    {
        var entries = new List<KeyValuePair<string, JsValue>>
        {
            new("variations", variations),
            new("key", rule["key"].IsTruthy ? rule["key"] : JsValue.String(featureKey)),
        };
        if (rule.TryGetValue("coverage", out var coverage))
        {
            entries.Add(new("coverage", coverage));
        }

        foreach (var name in (ReadOnlySpan<string>)["weights", "hashAttribute", "fallbackAttribute", "disableStickyBucketing"])
        {
            if (rule[name].IsTruthy)
            {
                entries.Add(new(name, rule[name]));
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["bucketVersion", "minBucketVersion"])
        {
            if (rule.TryGetValue(name, out var value))
            {
                entries.Add(new(name, value));
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["namespace", "meta", "ranges", "name", "phase", "seed", "hashVersion", "filters", "condition"])
        {
            if (rule[name].IsTruthy)
            {
                entries.Add(new(name, rule[name]));
            }
        }

        if (entries[1].Value.Type != JsType.String)
        {
            throw JsRead.Wrong("key", "a string");
        }

        return new JsObject([.. entries]);
    }

    // buildContextualBanditExperiment (ENGINE-NOTES §2.9): one compiled experiment per leaf, plus the fallback.
    private (BanditLeaf[] Leaves, ExperimentDefinition Fallback) CompileBandit(
        JsObject source, JsValue bandit, ExperimentDefinition plain, JsonElement[] variationElements, JsonElement? conditionElement)
    {
        if (bandit.Type != JsType.Object)
        {
            throw JsRead.Wrong("contextualBandits[ref]", "an object");
        }

        var definition = bandit.ObjectValue;
        var hasVersion = definition.TryGetValue("banditVersion", out var banditVersion);
        var contexts = definition["contexts"];
        var leaves = new List<BanditLeaf>();
        if (contexts.Type == JsType.Array)
        {
            foreach (var context in contexts.ArrayValue)
            {
                if (context.Type != JsType.Object)
                {
                    throw JsRead.Wrong("contextualBandits[ref].contexts", "an array of objects");
                }

                var leaf = context.ObjectValue;
                var weights = leaf["weights"];
                var leafId = leaf["leafId"];
                var condition = leaf["condition"];
                var withLeaf = WithBandit(source, weights, leafId, hasVersion ? banditVersion : null, replaceWeights: true);
                leaves.Add(new BanditLeaf(
                    condition.IsTruthy ? _conditions.Compile(condition) : Condition.True,
                    ExperimentDefinition.Compile(withLeaf, _conditions, ExperimentJson.ToExperiment(withLeaf, variationElements, conditionElement))));
            }
        }

        var fallbackWeights = source["weights"].IsTruthy
            ? source["weights"]
            : JsValue.Array(Array.ConvertAll(Bucketing.GetEqualWeights(plain.Variations.Length), JsValue.Number));
        var fallbackSource = WithBandit(source, fallbackWeights, JsValue.Number(-1), hasVersion ? banditVersion : null, replaceWeights: false);
        var fallback = ExperimentDefinition.Compile(fallbackSource, _conditions, ExperimentJson.ToExperiment(fallbackSource, variationElements, conditionElement));
        return ([.. leaves], fallback);
    }

    private static JsObject WithBandit(JsObject source, JsValue weights, JsValue leafId, JsValue? banditVersion, bool replaceWeights)
    {
        var result = replaceWeights ? source.With("weights", weights) : source;
        var bandit = new List<KeyValuePair<string, JsValue>> { new("leafId", leafId), new("variationWeights", weights) };
        if (banditVersion is { } version)
        {
            bandit.Add(new("banditVersion", version));
        }

        return result.With("contextualBandit", JsValue.Object(new JsObject([.. bandit])));
    }

    private static TrackedExposure[]? ReadTracks(JsObject rule)
    {
        var tracks = JsRead.TruthyArray(rule, "tracks");
        if (tracks is null)
        {
            return null;
        }

        var result = new List<TrackedExposure>();
        foreach (var track in tracks)
        {
            if (track.Type != JsType.Object || track.ObjectValue["experiment"].Type != JsType.Object || track.ObjectValue["result"].Type != JsType.Object)
            {
                continue;
            }

            var experiment = ExperimentJson.ToExperiment(track.ObjectValue["experiment"].ObjectValue);
            result.Add(new TrackedExposure(experiment, ReadResult(track.ObjectValue["result"].ObjectValue)));
        }

        return [.. result];
    }

    private static ExperimentResult ReadResult(JsObject r)
    {
        var featureId = r["featureId"];
        var bucket = r["bucket"];
        return new ExperimentResult(
            key: r["key"].ToJsString(),
            featureId: featureId.Type == JsType.String ? featureId.StringValue : null,
            inExperiment: r["inExperiment"].IsTruthy,
            hashUsed: r["hashUsed"].IsTruthy,
            variationId: (int)r["variationId"].ToNumber(),
            value: FeatureValue.FromJs(r["value"]),
            hashAttribute: r["hashAttribute"].ToJsString(),
            hashValue: r["hashValue"],
            stickyBucketUsed: r["stickyBucketUsed"].IsTruthy,
            name: r["name"].IsTruthy ? r["name"].ToJsString() : null,
            bucket: bucket.Type == JsType.Number ? bucket.NumberValue : null,
            passthrough: r["passthrough"].IsTruthy,
            contextualBandit: null);
    }
}
