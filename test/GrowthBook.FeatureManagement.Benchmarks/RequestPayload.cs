using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The GrowthBook side of <see cref="RequestBenchmarks"/>: the anchor payload plus three features a request checks,
/// each the counterpart of a configuration flag of <see cref="FeatureManagementFlags"/>.
/// </summary>
internal static class RequestPayload
{
    /// <summary>On for users whose <c>country</c> is US or CA (counterpart of <see cref="FeatureManagementFlags.Gate"/>).</summary>
    public const string Gate = "checkout-gate";

    /// <summary>On for half of all users, by a hash of <c>id</c> (counterpart of <see cref="FeatureManagementFlags.Rollout"/>).</summary>
    public const string Rollout = "beta-rollout";

    /// <summary>A three-way experiment on <c>id</c>, string values (counterpart of <see cref="FeatureManagementFlags.Button"/>).</summary>
    public const string Button = "button-color";

    public static string Json()
    {
        var payload = JsonNode.Parse(AnchorPayload.ReadJson())!.AsObject();
        var features = payload["features"]!.AsObject();
        features[Gate] = JsonNode.Parse("""
            {"defaultValue": false, "rules": [{"id": "fr_gate", "condition": {"country": {"$in": ["US", "CA"]}}, "force": true}]}
            """);
        features[Rollout] = JsonNode.Parse("""
            {"defaultValue": false, "rules": [{"id": "fr_rollout", "seed": "beta-rollout", "hashAttribute": "id", "hashVersion": 2, "coverage": 0.5, "force": true}]}
            """);
        features[Button] = JsonNode.Parse("""
            {"defaultValue": "red", "rules": [{"id": "fr_button", "key": "button-color", "seed": "button-color", "hashVersion": 2,
              "hashAttribute": "id", "coverage": 1, "weights": [0.34, 0.33, 0.33], "variations": ["red", "green", "blue"],
              "meta": [{"key": "0"}, {"key": "1"}, {"key": "2"}], "phase": "0", "name": "Button color"}]}
            """);
        return payload.ToJsonString();
    }
}
