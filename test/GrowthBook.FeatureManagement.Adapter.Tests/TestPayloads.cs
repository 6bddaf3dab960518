using System.Text.Json;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// GrowthBook payloads shared by the adapter and ASP.NET Core tests (this file is linked into both projects).
/// Targeting: <c>checkout-v2</c> is on for <c>country = US</c>; <c>premium-only</c> and <c>max-items</c> follow
/// <c>plan = premium</c>; <c>beta-groups</c> follows membership of the <c>beta</c> group. Experiments:
/// <c>button-style</c> (object values, keys control/treatment), <c>pricing</c> (3 weighted variations, 80% coverage)
/// and <c>layout</c> (no variation keys: the keys are the indexes).
/// </summary>
internal static class TestPayloads
{
    public const string Main = """
        {
          "dateUpdated": "2026-11-01T00:00:00Z",
          "features": {
            "checkout-v2": {
              "defaultValue": false,
              "rules": [ { "id": "fr-us", "condition": { "country": "US" }, "force": true } ]
            },
            "premium-only": {
              "defaultValue": false,
              "rules": [ { "id": "fr-premium", "condition": { "plan": "premium" }, "force": true } ]
            },
            "beta-groups": {
              "defaultValue": false,
              "rules": [ { "id": "fr-beta", "condition": { "groups": { "$elemMatch": { "$eq": "beta" } } }, "force": true } ]
            },
            "max-items": {
              "defaultValue": 10,
              "rules": [ { "id": "fr-premium-items", "condition": { "plan": "premium" }, "force": 50 } ]
            },
            "banner-text": { "defaultValue": "Hello" },
            "ratio": { "defaultValue": 0.25 },
            "unnamed-force": { "defaultValue": "off", "rules": [ { "condition": { "plan": "premium" }, "force": "on" } ] },
            "button-style": {
              "defaultValue": { "color": "gray", "size": 10, "rounded": false },
              "rules": [ {
                "id": "exp-button",
                "key": "button-exp",
                "variations": [ { "color": "blue", "size": 12, "rounded": false }, { "color": "green", "size": 14, "rounded": true } ],
                "weights": [ 0.5, 0.5 ],
                "coverage": 1,
                "hashAttribute": "id",
                "hashVersion": 2,
                "meta": [ { "key": "control" }, { "key": "treatment" } ]
              } ]
            },
            "pricing": {
              "defaultValue": "standard",
              "rules": [ {
                "key": "pricing-exp",
                "variations": [ "standard", "discount", "bundle" ],
                "weights": [ 0.5, 0.3, 0.2 ],
                "coverage": 0.8,
                "hashAttribute": "id",
                "hashVersion": 2,
                "seed": "pricing-seed-7",
                "meta": [ { "key": "control" }, { "key": "discount" }, { "key": "bundle" } ]
              } ]
            },
            "layout": {
              "defaultValue": "grid",
              "rules": [ { "key": "layout-exp", "variations": [ "grid", "list" ], "hashAttribute": "id" } ]
            },
            "clash": { "defaultValue": true },
            "clash-dotnet": { "defaultValue": true },
            "kill-switch": { "defaultValue": false },
            "team:scoped-key": { "defaultValue": true },
            "menu": { "defaultValue": { "title": "Menu", "items": [ { "label": "Home", "url": "/" }, { "label": "Shop", "url": "/shop" } ], "tags": [ "a", "b" ] } },
            "nothing": { "defaultValue": null }
          }
        }
        """;

    /// <summary>The payload after an update: checkout-v2 on for everyone, a new feature, button keys renamed, pricing gone.</summary>
    public const string Updated = """
        {
          "dateUpdated": "2026-11-02T00:00:00Z",
          "features": {
            "checkout-v2": { "defaultValue": true },
            "premium-only": { "defaultValue": false },
            "new-flag": { "defaultValue": { "message": "fresh" } },
            "button-style": {
              "defaultValue": { "color": "gray", "size": 10, "rounded": false },
              "rules": [ {
                "key": "button-exp-2",
                "variations": [ { "color": "gray", "size": 10, "rounded": false }, { "color": "red", "size": 20, "rounded": true } ],
                "weights": [ 0, 1 ],
                "coverage": 1,
                "hashAttribute": "id",
                "meta": [ { "key": "nobody" }, { "key": "everyone" } ]
              } ]
            }
          }
        }
        """;

    /// <summary>The experiment of a feature's experiment rule, built from the rule's own JSON (as the engine does for a feature).</summary>
    public static Experiment RuleExperiment(string payloadJson, string feature, int rule = 0)
    {
        using var document = JsonDocument.Parse(payloadJson);
        var json = document.RootElement.GetProperty("features").GetProperty(feature).GetProperty("rules")[rule];
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name is not ("id" or "condition" or "force"))
            {
                members[property.Name] = property.Value.Clone();
            }
        }

        if (!members.ContainsKey("key"))
        {
            members["key"] = JsonSerializer.SerializeToElement(feature);
        }

        return Experiment.FromJson(JsonSerializer.SerializeToElement(members));
    }

    /// <summary>
    /// What the engine's <see cref="GrowthBookScope.Run"/> gives <paramref name="userId"/> for <paramref name="experiment"/>,
    /// as a Microsoft.FeatureManagement variant name: the variation key when the user is in the experiment, else <c>default</c>
    /// (the rule is skipped and the feature's default served).
    /// </summary>
    public static (string Name, ExperimentResult Result) EngineVariant(GrowthBookPayload payload, Experiment experiment, string userId)
    {
        using var scope = new GrowthBookScope(payload, User(userId));
        var result = scope.Run(experiment);
        return (result.InExperiment && !result.Passthrough ? result.Key : "default", result);
    }

    /// <summary>A user with an id and, optionally, more attributes.</summary>
    public static UserContext User(string id, params (string Name, object? Value)[] attributes)
    {
        var values = new List<KeyValuePair<string, object?>> { new("id", id) };
        values.AddRange(attributes.Select(a => new KeyValuePair<string, object?>(a.Name, a.Value)));
        return new UserContext { Attributes = GrowthBookAttributes.From(values) };
    }
}
