using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// Rules are compiled straight from the payload's text, member by member, without building their JSON objects. These
/// cases pin what <c>JSON.parse</c> and then the reference SDK would see where reading from the text could differ:
/// repeated members, escaped names, sharing by text, and where deep values are cut.
/// </summary>
[TestFixture]
public sealed class StreamedCompileTests
{
    private static readonly UserContext User = new() { Attributes = GrowthBookAttributes.Parse("""{"id":"u1","country":"US"}""") };

    [Test]
    public void ARepeatedRuleMember_TheLastWins()
    {
        var payload = Parse("""
            {"f":{"defaultValue":0,"rules":[{"force":1,"condition":{"country":"CA"},"force":2,"condition":{"country":"US"}}]},
             "g":{"defaultValue":0,"rules":[{"key":"a","variations":[1,2],"variations":[5,5],"key":"exp-g","coverage":"x","coverage":1}]}}
            """);
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            Assert.That(scope.GetFeatureValue("f", -1), Is.EqualTo(2));
            var g = scope.EvalFeature("g");
            Assert.That(g.GetValue(-1), Is.EqualTo(5));
            Assert.That(g.Experiment!.Key, Is.EqualTo("exp-g"));
            Assert.That(payload.Warnings, Is.Empty, "the coverage that was replaced is not reported");
        });
    }

    [Test]
    public void ARepeatedRulesMember_TheLastWins_AndWhatTheEarlierOneReportedIsTakenBack()
    {
        var payload = Parse("""
            {"earlierBroken":{"defaultValue":0,"rules":[{"force":1,"hashVersion":"x"},{"force":1,"condition":{"a":{"$unknown":1}}}],"rules":[{"force":2}]},
             "earlierNotAnArray":{"defaultValue":0,"rules":5,"rules":[{"force":3}]},
             "laterNotAnArray":{"defaultValue":0,"rules":[{"force":4}],"rules":{"0":{"force":4}}},
             "laterNull":{"defaultValue":0,"rules":[{"force":4}],"rules":null}}
            """);
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            Assert.That(scope.GetFeatureValue("earlierBroken", -1), Is.EqualTo(2));
            Assert.That(scope.GetFeatureValue("earlierNotAnArray", -1), Is.EqualTo(3));
            Assert.That(payload.FeatureKeys, Does.Not.Contain("laterNotAnArray"));
            Assert.That(scope.GetFeatureValue("laterNull", -1), Is.EqualTo(0));
            Assert.That(payload.Warnings, Is.EqualTo(new[] { "Feature 'laterNotAnArray' skipped: 'rules' must be an array." }));
        });
    }

    [Test]
    public void EscapedMemberNames_AreTheMembersTheyName()
    {
        var payload = Parse("""
            {"f":{"def\u0061ultValue":0,"\u0072ules":[{"\u0069d":"r1","c\u006Fndition":{"country":"US"},"\u0066orce":7}]},
             "g":{"defaultValue":0,"rules":[{"forc\u0065s":1,"force\u0000":1,"\ud800force":1}]}}
            """);
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            var f = scope.EvalFeature("f");
            Assert.That(f.GetValue(-1), Is.EqualTo(7));
            Assert.That(f.RuleId, Is.EqualTo("r1"));
            Assert.That(scope.EvalFeature("g").Source, Is.EqualTo(FeatureSource.DefaultValue), "names that only look like members are not members");
        });
    }

    [Test]
    public void ConditionsAndListsWrittenAlike_AreShared_AndOnlyThose()
    {
        var payload = Parse("""
            {"a":{"defaultValue":0,"rules":[{"condition":{"country":"US"},"force":1}]},
             "b":{"defaultValue":0,"rules":[{"condition":{"country":"US"},"force":2}]},
             "c":{"defaultValue":0,"rules":[{"condition":{"country" : "US"},"force":3}]},
             "d":{"defaultValue":0,"rules":[{"condition":{"country":"CA"},"force":4}]},
             "e":{"defaultValue":0,"rules":[{"key":"e","variations":[1,2],"weights":[0,1],"meta":[{"key":"x"},{"key":"y"}]}]},
             "f":{"defaultValue":0,"rules":[{"key":"f","variations":[1,2],"weights":[1,0],"meta":[{"key":"x"},{"key":"y"}]}]}}
            """);
        payload.TryGetFeature("a", out var a);
        payload.TryGetFeature("b", out var b);
        payload.TryGetFeature("c", out var c);
        payload.TryGetFeature("e", out var e);
        payload.TryGetFeature("f", out var f);
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            Assert.That(Condition(a), Is.SameAs(Condition(b)));
            Assert.That(Condition(c), Is.Not.SameAs(Condition(a)), "conditions are shared by their text: written differently, compiled again (same answers, below)");
            Assert.That(e.Rules[0].Experiment!.Variations, Is.SameAs(f.Rules[0].Experiment!.Variations));
            Assert.That(e.Rules[0].Experiment!.Meta, Is.SameAs(f.Rules[0].Experiment!.Meta));
            Assert.That(new[] { "a", "b", "c", "d", "e", "f" }.Select(key => scope.GetFeatureValue(key, -1)), Is.EqualTo(new[] { 1, 2, 3, 0, 2, 1 }));
            Assert.That(scope.EvalFeature("e").Experiment!.Meta![1].Key, Is.EqualTo("y"));
        });
    }

    [Test]
    public void ACompiledPayload_DoesNotKeepTheTextItWasCompiledFrom()
    {
        // The compiler shares conditions and variations by their text, kept by reference into the payload's bytes while
        // it compiles; none of that may outlive the compilation.
        var (payload, text) = ParseAndForget("""
            {"a":{"defaultValue":0,"rules":[{"condition":{"country":"US"},"force":1},{"condition":{"country":"US"},"force":2}]},
             "e":{"defaultValue":0,"rules":[{"key":"e","variations":[1,2],"meta":[{"key":"x"},{"key":"y"}],"condition":{"country":"US"}}]},
             "f":{"defaultValue":0,"rules":[{"key":"f","variations":[1,2],"meta":[{"key":"x"},{"key":"y"}]}]}}
            """);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            Assert.That(text.TryGetTarget(out _), Is.False, "the payload's bytes were collected");
            Assert.That(scope.GetFeatureValue("a", -1), Is.EqualTo(1));
            Assert.That(scope.EvalFeature("e").Experiment!.Condition, Is.Not.Null, "the experiment still reports its condition");
        });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (GrowthBookPayload Payload, WeakReference<byte[]> Text) ParseAndForget(string features)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"features\":" + features + "}");
        return (GrowthBookPayload.Parse(bytes), new WeakReference<byte[]>(bytes));
    }

    [Test]
    public void DeepValues_AreCutAtTheSameDepthCountedFromTheFeature_InDefaultsAndRulesAlike()
    {
        var deep = new string('[', 300) + new string(']', 300);
        var payload = Parse("{\"f\":{\"defaultValue\":" + deep + "},\"g\":{\"defaultValue\":0,\"rules\":[{\"force\":" + deep + "}]}}");
        using var scope = new GrowthBookScope(payload, User);
        Assert.Multiple(() =>
        {
            // The feature is at depth 0: its default value's arrays at 1 to 255 are kept; its rules' values start at depth 3.
            Assert.That(Nesting(scope.EvalFeature("f").Value), Is.EqualTo(255));
            Assert.That(Nesting(scope.EvalFeature("g").Value), Is.EqualTo(253));
        });
    }

    private static object? Condition(FeatureManagement.Evaluation.FeatureDefinition feature) => ((FeatureManagement.Evaluation.ForceRule)feature.Rules[0]).Condition;

    private static int Nesting(JsonElement value)
    {
        var depth = 0;
        while (value.ValueKind == JsonValueKind.Array)
        {
            depth++;
            value = value[0];
        }

        Assert.That(value.ValueKind, Is.EqualTo(JsonValueKind.Null));
        return depth;
    }

    private static GrowthBookPayload Parse(string features) => GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("{\"features\":" + features + "}"));
}
