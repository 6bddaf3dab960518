using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.Testing.Tests.Support;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests;

/// <summary>
/// Each builder feature answers, for 300 varied users, exactly what the engine answers for the payload a GrowthBook user
/// would write by hand (written in GrowthBook's own shapes, not copied from the builder's output).
/// </summary>
public sealed class BuilderTests
{
    [Test]
    public async Task Values_AreDefaultValues_AndAMissingFeatureIsUnknown()
    {
        var testData = new GrowthBookTestData()
            .Set("flag", true)
            .Set("color", "blue")
            .Set("limit", 3.5)
            .Set("config", new JsonObject { ["size"] = 40, ["tags"] = new JsonArray("a", "b") })
            .Set("nothing", null);
        const string payload = """
            {"features": {
              "flag": {"defaultValue": true}, "color": {"defaultValue": "blue"}, "limit": {"defaultValue": 3.5},
              "config": {"defaultValue": {"size": 40, "tags": ["a", "b"]}}, "nothing": {"defaultValue": null}}}
            """;

        var answers = await Answers.AssertSameAsync(testData, payload, "flag", "color", "limit", "config", "nothing", "missing");

        Assert.That(answers["flag"].Select(r => r.Source).Distinct(), Is.EqualTo(new[] { FeatureSource.DefaultValue }));
        Assert.That(answers["missing"].Select(r => r.Source).Distinct(), Is.EqualTo(new[] { FeatureSource.UnknownFeature }));
    }

    [Test]
    public async Task TargetedForceRules_MatchAttributes_InOrder()
    {
        var testData = new GrowthBookTestData().Feature("button", f => f
            .DefaultValue("blue")
            .When("country", "US").Serve("green", ruleId: "us")
            .When("country", "CA", "FR").And("plan", "pro").Serve("red")
            .WhenCondition("""{"age": {"$gte": 60}}""").Serve("grey")
            .When("beta", true).AndCondition("""{"plan": {"$ne": "free"}}""").Serve("gold"));
        const string payload = """
            {"features": {"button": {"defaultValue": "blue", "rules": [
              {"id": "us", "condition": {"country": "US"}, "force": "green"},
              {"condition": {"country": {"$in": ["CA", "FR"]}, "plan": "pro"}, "force": "red"},
              {"condition": {"age": {"$gte": 60}}, "force": "grey"},
              {"condition": {"beta": true, "plan": {"$ne": "free"}}, "force": "gold"}]}}}
            """;

        var answers = await Answers.AssertSameAsync(testData, payload, "button");

        Assert.That(answers["button"].Select(r => r.Value.GetString()).Distinct(), Is.EquivalentTo(new[] { "blue", "green", "red", "grey", "gold" }));
    }

    [Test]
    public async Task Rollouts_CoverAShareOfUsers_ByTheirHashAttribute()
    {
        var testData = new GrowthBookTestData()
            .Feature("new-search", f => f.DefaultValue(false).When("plan", "enterprise").Serve(true).Rollout(true, 0.3))
            .Feature("by-company", f => f.DefaultValue(0).Rollout(1, 0.5, hashAttribute: "company", ruleId: "half"));
        const string payload = """
            {"features": {
              "new-search": {"defaultValue": false, "rules": [{"condition": {"plan": "enterprise"}, "force": true}, {"force": true, "coverage": 0.3}]},
              "by-company": {"defaultValue": 0, "rules": [{"id": "half", "force": 1, "coverage": 0.5, "hashAttribute": "company"}]}}}
            """;

        var answers = await Answers.AssertSameAsync(testData, payload, "new-search", "by-company");

        Assert.That(answers["new-search"].Select(r => r.Source).Distinct(), Is.EquivalentTo(new[] { FeatureSource.Force, FeatureSource.DefaultValue }));
        Assert.That(answers["by-company"].Select(r => r.Source).Distinct(), Is.EquivalentTo(new[] { FeatureSource.Force, FeatureSource.DefaultValue }));
    }

    [Test]
    public async Task Experiments_WithEverySetting_AreTheExperimentsOfTheHandWrittenPayload()
    {
        var testData = new GrowthBookTestData()
            .Feature("checkout", f => f.DefaultValue("control").Experiment("checkout-exp", e => e
                .Variation("control", key: "c", name: "Control")
                .Variation("one-page", key: "op", name: "One page")
                .Variation("express", key: "ex")
                .Weights(0.5, 0.3, 0.2)
                .Coverage(0.8)
                .Seed("checkout-seed")
                .HashVersion(2)
                .Name("Checkout test")
                .RuleId("exp-rule")))
            .Feature("simple", f => f.Experiment("simple-exp", 1, 2))
            .Feature("company-test", f => f.DefaultValue(false).When("country", "US").Experiment("co-exp", e => e.Variations(false, true).HashAttribute("company")));
        const string payload = """
            {"features": {
              "checkout": {"defaultValue": "control", "rules": [{
                "id": "exp-rule", "key": "checkout-exp", "variations": ["control", "one-page", "express"], "weights": [0.5, 0.3, 0.2],
                "coverage": 0.8, "seed": "checkout-seed", "hashVersion": 2, "name": "Checkout test",
                "meta": [{"key": "c", "name": "Control"}, {"key": "op", "name": "One page"}, {"key": "ex"}]}]},
              "simple": {"defaultValue": null, "rules": [{"key": "simple-exp", "variations": [1, 2]}]},
              "company-test": {"defaultValue": false, "rules": [{"condition": {"country": "US"}, "key": "co-exp", "variations": [false, true], "hashAttribute": "company"}]}}}
            """;

        var answers = await Answers.AssertSameAsync(testData, payload, "checkout", "simple", "company-test");

        Assert.That(answers["checkout"].Select(r => r.ExperimentResult?.Key).Distinct(), Is.EquivalentTo(new[] { "c", "op", "ex", null }));
        Assert.That(answers["company-test"].Count(r => r.Source == FeatureSource.Experiment), Is.GreaterThan(0));
    }

    [Test]
    public async Task Prerequisites_OnTheFeatureAndOnARule_GateAsGrowthBookDoes()
    {
        var testData = new GrowthBookTestData()
            .Feature("parent", f => f.DefaultValue(false).When("plan", "pro", "enterprise").Serve(true))
            .Feature("tier", f => f.DefaultValue(1).When("plan", "enterprise").Serve(3))
            .Feature("child", f => f.DefaultValue("on").Requires("parent"))
            .Feature("child-of-tier-1", f => f.DefaultValue("yes").Requires("tier", 1))
            .Feature("child-of-high-tier", f => f.DefaultValue("yes").RequiresCondition("tier", """{"value": {"$gt": 2}}"""))
            .Feature("rule-child", f => f.DefaultValue("off").When("country", "US").Requires("parent").Serve("on-us"))
            .Feature("orphan", f => f.DefaultValue(true).Requires("missing"));
        const string payload = """
            {"features": {
              "parent": {"defaultValue": false, "rules": [{"condition": {"plan": {"$in": ["pro", "enterprise"]}}, "force": true}]},
              "tier": {"defaultValue": 1, "rules": [{"condition": {"plan": "enterprise"}, "force": 3}]},
              "child": {"defaultValue": "on", "rules": [{"parentConditions": [{"id": "parent", "condition": {"value": true}, "gate": true}]}]},
              "child-of-tier-1": {"defaultValue": "yes", "rules": [{"parentConditions": [{"id": "tier", "condition": {"value": 1}, "gate": true}]}]},
              "child-of-high-tier": {"defaultValue": "yes", "rules": [{"parentConditions": [{"id": "tier", "condition": {"value": {"$gt": 2}}, "gate": true}]}]},
              "rule-child": {"defaultValue": "off", "rules": [{"condition": {"country": "US"}, "parentConditions": [{"id": "parent", "condition": {"value": true}}], "force": "on-us"}]},
              "orphan": {"defaultValue": true, "rules": [{"parentConditions": [{"id": "missing", "condition": {"value": true}, "gate": true}]}]}}}
            """;

        var answers = await Answers.AssertSameAsync(testData, payload, "child", "child-of-tier-1", "child-of-high-tier", "rule-child", "orphan");

        foreach (var key in new[] { "child", "child-of-tier-1", "child-of-high-tier" })
        {
            Assert.That(answers[key].Select(r => r.Source).Distinct(), Is.EquivalentTo(new[] { FeatureSource.Prerequisite, FeatureSource.DefaultValue }), key);
        }

        Assert.That(answers["rule-child"].Select(r => r.Value.GetString()).Distinct(), Is.EquivalentTo(new[] { "on-us", "off" }));
    }

    [Test]
    public async Task Features_AreWrittenInOrder_AndAFeatureSetAgainIsReplaced()
    {
        var testData = new GrowthBookTestData()
            .Feature("button", f => f.DefaultValue("blue").When("country", "US").Serve("green"))
            .Set("button", "red");

        await Answers.AssertSameAsync(testData, """{"features": {"button": {"defaultValue": "red"}}}""", "button");
    }
}
