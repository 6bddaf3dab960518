using System.Text;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// A force rule with no prerequisites, filters, rollout or tracks is compiled without reading those members
/// (<c>PayloadCompiler.PlainForceRules</c>). These cases pin that it compiles to what the general read gives: every
/// combination of the members such a rule may have, and each member that takes a rule off that path, evaluate alike for
/// a range of users, with the same warnings, whichever way they are compiled.
/// </summary>
[TestFixture]
public sealed class PlainForceRuleTests
{
    // The members a plain force rule may have, each absent (null here) or written in ways that compile, fail or are falsy.
    private static readonly string?[] Ids = [null, "\"r1\"", "\"\"", "null", "5"];
    private static readonly string?[] Conditions = [null, """{"country":"US"}""", "{}", "null", "false", """{"id":{"$in":["u1","u3"]}}""", """{"country":{"$bogus":1}}""", "5"];
    private static readonly string[] Forces = ["true", "false", "0", "\"on\"", "null", """{"a":[1,2]}""", "[1,\"x\"]"];

    // Members a force rule does not read: present or not, the rule stays plain.
    private static readonly string?[] Others = [null, "\"key\":\"k\",\"variations\":[1,2],\"weights\":[0.5,0.5]", "\"meta\":[{}],\"name\":\"n\",\"enabled\":false"];

    // Each member that takes a rule off the plain path, written in ways that compile and ways that skip the rule.
    private static readonly (string Name, string[] Values)[] Extras =
    [
        ("parentConditions", ["""[{"id":"parent","condition":{"value":true}}]""", "[]", "5"]),
        ("filters", ["""[{"seed":"s","ranges":[[0,0.5]]}]""", "[]", "5"]),
        ("range", ["[0,0.5]", "[0,0]", "null", "\"x\""]),
        ("coverage", ["0.5", "0", "1", "\"x\""]),
        ("seed", ["\"s\"", "\"\"", "5"]),
        ("hashAttribute", ["\"country\"", "\"missing\"", "5"]),
        ("fallbackAttribute", ["\"country\"", "5"]),
        ("hashVersion", ["2", "1", "\"x\"", "1.5"]),
        ("disableStickyBucketing", ["true", "false"]),
        ("tracks", ["""[{"experiment":{"key":"e"},"result":{"key":"0","variationId":0,"value":1}}]""", "[]", "5"]),
    ];

    private static readonly string[] Users =
    [
        .. Enumerable.Range(0, 12).Select(i => $$"""{"id":"u{{i}}","country":"{{(i % 3 == 0 ? "US" : "CA")}}"}"""),
        """{"country":"US"}""",
        "{}",
    ];

    public static IEnumerable<TestCaseData> PlainRules()
    {
        foreach (var id in Ids)
        {
            foreach (var condition in Conditions)
            {
                foreach (var force in Forces)
                {
                    foreach (var others in Others)
                    {
                        var rule = Rule(("id", id), ("condition", condition), ("force", force));
                        yield return new TestCaseData(others is null ? rule : "{" + others + "," + rule[1..]);
                    }
                }
            }
        }
    }

    public static IEnumerable<TestCaseData> RulesWithAnExtra()
    {
        foreach (var (name, values) in Extras)
        {
            foreach (var value in values)
            {
                // Alone, and with a coverage (so that rollout members take effect).
                yield return new TestCaseData(Rule(("id", "\"r1\""), ("condition", """{"country":"US"}"""), ("force", "true"), (name, value)));
                if (name != "coverage")
                {
                    yield return new TestCaseData(Rule(("id", "\"r1\""), ("force", "\"on\""), ("coverage", "0.5"), (name, value)));
                }
            }
        }
    }

    [TestCaseSource(nameof(PlainRules))]
    public void APlainForceRule_IsTakenByThePlainPath_AndCompilesAsTheGeneralPathDoes(string rule)
    {
        Assert.That(IsPlain(rule), Is.True);
        AssertCompilesAlike(rule);
    }

    [TestCaseSource(nameof(RulesWithAnExtra))]
    public void AForceRuleWithAnyOtherMemberItReads_TakesTheGeneralPath(string rule)
    {
        Assert.That(IsPlain(rule), Is.False);
        AssertCompilesAlike(rule);
    }

    [Test]
    public void ARuleWithoutForce_TakesTheGeneralPath()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IsPlain("""{"id":"r1","condition":{"country":"US"}}"""), Is.False);
            Assert.That(IsPlain("""{"key":"e","variations":[1,2]}"""), Is.False);
        });
    }

    [Test]
    public void ThePlainPath_ChangesWhatIsCompiled_OnlyInTheWorkDone()
    {
        // A plain rule's prerequisites, filters, rollout and tracks are absent either way.
        var payload = Compile("""{"id":"r1","condition":{"country":"US"},"force":7}""", plainForceRules: true);
        var rule = (FeatureManagement.Evaluation.ForceRule)payload.Features.Single(feature => feature.Key == "f").Rules[0];
        Assert.Multiple(() =>
        {
            Assert.That(rule.Id, Is.EqualTo("r1"));
            Assert.That(rule.Force!.Js.NumberValue, Is.EqualTo(7));
            Assert.That(rule.Condition, Is.Not.Null);
            Assert.That(rule.Rollout, Is.Null);
            Assert.That(rule.ParentConditions, Is.Null);
            Assert.That(rule.Filters, Is.Null);
            Assert.That(rule.Tracks, Is.Null);
        });
    }

    private static void AssertCompilesAlike(string rule)
    {
        var plain = Compile(rule, plainForceRules: true);
        var general = Compile(rule, plainForceRules: false);
        Assert.That(plain.Warnings, Is.EqualTo(general.Warnings));
        foreach (var attributes in Users)
        {
            var user = new UserContext { Attributes = GrowthBookAttributes.Parse(attributes) };
            using var plainScope = new GrowthBookScope(plain, user);
            using var generalScope = new GrowthBookScope(general, user);
            Assert.That(Describe(plainScope.EvalFeature("f")), Is.EqualTo(Describe(generalScope.EvalFeature("f"))), attributes);
        }
    }

    private static string Describe(FeatureResult result)
        => $"{result.Value.GetRawText()} {result.On} {result.Source} '{result.RuleId}' {result.Experiment?.Key} {result.ExperimentResult?.VariationId} {result.ExperimentResult?.HashValue}";

    // The rule, then a rule after it, so that a rule that matches nobody shows by the next one answering.
    private static GrowthBookPayload Compile(string rule, bool plainForceRules)
    {
        var json = """{"features":{"parent":{"defaultValue":true},"f":{"defaultValue":"default","rules":[""" + rule + """,{"force":"next"}]}}}""";
        return new PayloadCompiler(null, null, new CompileScratch()) { PlainForceRules = plainForceRules }.Compile(Encoding.UTF8.GetBytes(json));
    }

    private static bool IsPlain(string rule)
    {
        var reader = new PayloadReader(Encoding.UTF8.GetBytes(rule));
        reader.Read();
        var members = new StreamedMembers(new JsonValueReader());
        members.Read(ref reader, Encoding.UTF8.GetBytes(rule), 0, depth: 2, conditions: null);
        return PayloadCompiler.IsPlainForceRule(members.Present);
    }

    private static string Rule(params (string Name, string? Value)[] members)
        => "{" + string.Join(",", members.Where(m => m.Value is not null).Select(m => $"\"{m.Name}\":{m.Value}")) + "}";
}
