using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Evaluation;

[TestFixture]
public sealed class GrowthBookScopeTests
{
    private const string Payload = """
        {
          "features": {
            "flag": { "defaultValue": true },
            "count": { "defaultValue": 3 },
            "ratio": { "defaultValue": 1.5 },
            "name": { "defaultValue": "gb" },
            "zero-string": { "defaultValue": "0" },
            "options": { "defaultValue": { "color": "red", "size": 2 } },
            "nothing": { "defaultValue": null },
            "exp": { "defaultValue": "control", "rules": [ { "key": "exp", "variations": ["control", "treatment"], "meta": [{"key": "c"}, {"key": "t"}] } ] }
          }
        }
        """;

    private static GrowthBookScope Scope(string id = "user-1")
        => new(GrowthBookPayload.Parse(Payload), new UserContext { Attributes = GrowthBookAttributes.From([new("id", id)]) });

    private sealed record Options(string Color, int Size);

    [Test]
    public void GetFeatureValueReadsTheCallersType()
    {
        using var gb = Scope();
        Assert.Multiple(() =>
        {
            Assert.That(gb.GetFeatureValue("flag", false), Is.True);
            Assert.That(gb.GetFeatureValue("count", 0), Is.EqualTo(3));
            Assert.That(gb.GetFeatureValue("count", 0L), Is.EqualTo(3L));
            Assert.That(gb.GetFeatureValue("ratio", 0.0), Is.EqualTo(1.5));
            Assert.That(gb.GetFeatureValue("ratio", 0), Is.EqualTo(0), "1.5 is not an int: fallback");
            Assert.That(gb.GetFeatureValue("name", "x"), Is.EqualTo("gb"));
            Assert.That(gb.GetFeatureValue("options", new Options("blue", 1)), Is.EqualTo(new Options("red", 2)));
            Assert.That(gb.GetFeatureValue("options", default(JsonElement)).GetProperty("color").GetString(), Is.EqualTo("red"));
            Assert.That(gb.GetFeatureValue("name", 7), Is.EqualTo(7), "a string is not a number: fallback");
            Assert.That(gb.GetFeatureValue("nothing", "fallback"), Is.EqualTo("fallback"));
            Assert.That(gb.GetFeatureValue("unknown", "fallback"), Is.EqualTo("fallback"));
            Assert.That(gb.GetFeatureValue("name", new Options("blue", 1)), Is.EqualTo(new Options("blue", 1)), "wrong shape: fallback, no exception");
        });
    }

    [Test]
    public void OnFollowsJavaScriptTruthiness()
    {
        using var gb = Scope();
        Assert.Multiple(() =>
        {
            Assert.That(gb.IsOn("zero-string"), Is.True, "\"0\" is a non-empty string: on, as in JS");
            Assert.That(gb.IsOn("options"), Is.True);
            Assert.That(gb.IsOff("nothing"), Is.True);
            Assert.That(gb.IsOff("unknown"), Is.True);
        });
    }

    [Test]
    public void SharedResultsAreReturnedWithoutAllocatingNewOnes()
    {
        using var gb = Scope();
        Assert.That(gb.EvalFeature("flag"), Is.SameAs(gb.EvalFeature("flag")));
    }

    [Test]
    public void ExperimentViewedFiresOncePerUserExperimentAndVariation()
    {
        using var gb = Scope();
        var viewed = new List<(string Experiment, string Variation)>();
        gb.OnExperimentViewed = (experiment, result) => viewed.Add((experiment.Key, result.Key));
        var first = gb.EvalFeature("exp");
        gb.EvalFeature("exp");
        gb.EvalFeature("exp");
        Assert.Multiple(() =>
        {
            Assert.That(first.Source, Is.EqualTo(FeatureSource.Experiment));
            Assert.That(viewed, Has.Count.EqualTo(1));
            Assert.That(viewed[0].Experiment, Is.EqualTo("exp"));
            Assert.That(viewed[0].Variation, Is.EqualTo(first.ExperimentResult!.Key));
        });
    }

    [Test]
    public void ThrowingCallbacksNeverBreakEvaluation()
    {
        using var gb = Scope();
        gb.OnExperimentViewed = (_, _) => throw new InvalidOperationException("tracking is down");
        gb.OnFeatureUsage = (_, _) => throw new InvalidOperationException("usage is down");
        Assert.That(gb.EvalFeature("exp").Source, Is.EqualTo(FeatureSource.Experiment));
    }

    [Test]
    public void ForcedFeatureValuesOverrideAndAreNotTracked()
    {
        var payload = GrowthBookPayload.Parse(Payload);
        using var gb = new GrowthBookScope(payload, new UserContext { ForcedFeatureValues = new Dictionary<string, object?> { ["flag"] = false, ["brand-new"] = "x" } });
        var used = new List<string>();
        gb.OnFeatureUsage = (key, _) => used.Add(key);
        Assert.Multiple(() =>
        {
            Assert.That(gb.EvalFeature("flag").Source, Is.EqualTo(FeatureSource.Override));
            Assert.That(gb.IsOn("flag"), Is.False);
            Assert.That(gb.GetFeatureValue("brand-new", ""), Is.EqualTo("x"));
            Assert.That(used, Is.Empty);
        });
    }

    [Test]
    public void InlineExperimentRunsWithTheSameBucketsAsAFeatureRule()
    {
        var experiment = Experiment.Parse("""{"key":"exp","variations":["control","treatment"],"meta":[{"key":"c"},{"key":"t"}]}""");
        for (var i = 0; i < 200; i++)
        {
            using var gb = Scope("user-" + i);
            var fromRule = gb.EvalFeature("exp");
            var inline = gb.Run(experiment);
            Assert.That(inline.Value.GetString(), Is.EqualTo(fromRule.Value.GetString()), $"user-{i}");
        }
    }

    [Test]
    public void ExperimentRoundTripsThroughJson()
    {
        var json = """{"key":"e","variations":[1,2],"weights":[0.4,0.6],"coverage":0.5,"hashVersion":2,"namespace":["ns",0,0.5],"meta":[{"key":"a","name":"A"},{"key":"b"}],"filters":[{"seed":"s","ranges":[[0,0.5]]}]}""";
        var experiment = Experiment.Parse(json);
        var rebuilt = new Experiment
        {
            Key = experiment.Key,
            Variations = experiment.Variations,
            Weights = experiment.Weights,
            Coverage = experiment.Coverage,
            HashVersion = experiment.HashVersion,
            Namespace = experiment.Namespace,
            Meta = experiment.Meta,
            Filters = experiment.Filters,
        };
        using var a = JsonDocument.Parse(experiment.ToJson().GetRawText());
        using var b = JsonDocument.Parse(rebuilt.ToJson().GetRawText());
        Assert.That(Spec.JsonAssert.FindDifference(a.RootElement, b.RootElement, "$"), Is.Null);
    }

    [Test]
    public void AnInlineExperimentWithoutVariationsIsNotEnteredAndDoesNotThrow()
    {
        using var gb = Scope();
        var result = gb.Run(Experiment.Parse("""{"key":"exp1","variations":[]}"""));
        Assert.Multiple(() =>
        {
            Assert.That(result.InExperiment, Is.False);
            Assert.That(result.Key, Is.EqualTo("0"));
            Assert.That(result.Value.ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }
}
