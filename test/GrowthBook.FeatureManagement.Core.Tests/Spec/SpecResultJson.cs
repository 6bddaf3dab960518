using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>Writes results in the reference SDK's JSON shape, optional members left out when unset.</summary>
public static class SpecResultJson
{
    public static JsonElement Feature(FeatureResult result)
    {
        var obj = new JsonObject
        {
            ["value"] = Node(result.Value),
            ["on"] = result.On,
            ["off"] = result.Off,
            ["source"] = SourceName(result.Source),
            ["ruleId"] = result.RuleId,
        };
        if (result.Experiment is not null)
        {
            obj["experiment"] = Node(result.Experiment.ToJson());
        }

        if (result.ExperimentResult is not null)
        {
            obj["experimentResult"] = ExperimentResultNode(result.ExperimentResult);
        }

        return JsonSerializer.SerializeToElement(obj);
    }

    public static JsonElement Result(ExperimentResult result) => JsonSerializer.SerializeToElement(ExperimentResultNode(result));

    private static JsonObject ExperimentResultNode(ExperimentResult r)
    {
        var obj = new JsonObject
        {
            ["key"] = r.Key,
            ["featureId"] = r.FeatureId,
            ["inExperiment"] = r.InExperiment,
            ["hashUsed"] = r.HashUsed,
            ["variationId"] = r.VariationId,
            ["value"] = Node(r.Value),
            ["hashAttribute"] = r.HashAttribute,
            ["hashValue"] = Node(r.HashValue),
            ["stickyBucketUsed"] = r.StickyBucketUsed,
        };
        if (r.Name is not null)
        {
            obj["name"] = r.Name;
        }

        if (r.Bucket is { } bucket)
        {
            obj["bucket"] = bucket;
        }

        if (r.Passthrough)
        {
            obj["passthrough"] = true;
        }

        if (r.ContextualBandit is { } cb)
        {
            obj["leafId"] = cb.LeafId;
            obj["variationWeights"] = new JsonArray(cb.VariationWeights.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
            if (cb.BanditVersion is { } version)
            {
                obj["banditVersion"] = Node(version);
            }
        }

        return obj;
    }

    public static string SourceName(FeatureSource source)
    {
        var name = source.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());
}
