using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;
using GrowthBook.FeatureManagement.Tests.Spec;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// A rule's condition of the common shape is compiled as it is read from the payload's text
/// (<see cref="ConditionCompiler.CompileAsRead"/>), without building its JSON value. Every condition of the spec and
/// differential suites is compiled that way, and must give the suite's answer whenever it is taken; a condition of
/// another shape must be read past exactly, for the general path to compile.
/// </summary>
[TestFixture]
public sealed class ConditionAsReadTests
{
    private static int _cases;
    private static int _compiledAsRead;

    // The evalCondition cases whose condition is an object: only an object is compiled as read (a rule's condition of
    // any other type is built as a value, as before).
    public static IEnumerable<TestCaseData> ObjectConditions()
        => SpecCases.For("evalCondition").Where(data => ((SpecCase)data.Arguments[0]!)[1].ValueKind == JsonValueKind.Object);

    [TestCaseSource(nameof(ObjectConditions))]
    public void EveryEvalConditionCase_AsRead_GivesTheSuitesAnswer_OrIsReadPastWhole(SpecCase c)
    {
        var text = Encoding.UTF8.GetBytes(c[1].GetRawText());
        var savedGroups = c.Length > 4 ? new SavedGroups(JsJson.ObjectFromElement(c[4])) : SavedGroups.Empty;
        var compiler = new ConditionCompiler(savedGroups);
        var reader = new PayloadReader(text);
        reader.Read();
        Interlocked.Increment(ref _cases);
        var compiled = compiler.CompileAsRead(ref reader, new JsonValueReader(), depth: 3);
        var (token, consumed, reported) = (reader.TokenType, reader.BytesConsumed, compiler.Problems.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(token, Is.EqualTo(JsonTokenType.EndObject));
            Assert.That(consumed, Is.EqualTo(text.Length), "left on the condition's closing brace");
            Assert.That(reported, Is.Empty, "what compiling reported is kept with the condition, or taken back");
        });
        if (compiled is null)
        {
            return; // compiled from its value instead: SpecTests.EvalCondition covers that path
        }

        Interlocked.Increment(ref _compiledAsRead);
        savedGroups.Link(compiler);
        var general = new ConditionCompiler(savedGroups).CompileShared(JsJson.FromElement(c[1]));
        Assert.Multiple(() =>
        {
            Assert.That(compiled.Condition.Evaluate(JsJson.FromElement(c[2]), null), Is.EqualTo(c[3].GetBoolean()));
            Assert.That(compiled.Problems, Is.EqualTo(general.Problems), "the same problems reported");
        });
    }

    [OneTimeTearDown]
    public void MostConditionsAreCompiledAsRead()
    {
        // The shape taken is the common one: if this share falls, the fast path has stopped being the usual one.
        TestContext.Progress.WriteLine($"Conditions compiled as read: {_compiledAsRead} of {_cases}.");
        if (_cases > 100)
        {
            Assert.That(_compiledAsRead, Is.GreaterThan(_cases / 4));
        }
    }

    [Test]
    public void ConditionsOfOtherShapes_AreLeftToTheGeneralPath()
    {
        string[] others =
        [
            """{"$or":[{"a":1}]}""", """{"a":1,"a":2}""", """{"0":1,"b":2}""", """{"a":{}}""", """{"a":{"b":1}}""",
            """{"a":{"$not":{"$eq":1}}}""", """{"a":{"$gt":1,"$gt":2}}""", """{"a":{"$gt":1,"b":2}}""", """{"a":{"$elemMatch":{"$gt":1}}}""",
            """{"a":{"$inGroup":"g"}}""", """{"a":{"$unknown":1}}""", """{"a":{"$size":1}}""", """{"a":{"$all":[1]}}""",
            """{"a":{"\u0024gt":1}}""", """{"a":{"$gtx":1}}""", """{"a":{"$regexii":"x"}}""",
        ];
        foreach (var condition in others)
        {
            var text = Encoding.UTF8.GetBytes(condition);
            var compiler = new ConditionCompiler(SavedGroups.Empty);
            var reader = new PayloadReader(text);
            reader.Read();
            var compiled = compiler.CompileAsRead(ref reader, new JsonValueReader(), depth: 3);
            Assert.That(compiled, Is.Null, condition);
            Assert.That(reader.BytesConsumed, Is.EqualTo(text.Length), condition);
            Assert.That(compiler.Problems, Is.Empty, condition + ": what it reported is taken back");
        }
    }

    [Test]
    public void AnExperimentWhoseConditionWasCompiledAsRead_ReportsIt()
    {
        var payload = GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""
            {"features":{"f":{"defaultValue":0,"rules":[{"key":"e","condition":{"country":{"$in":["US","CA"]}},"variations":[1,2],"coverage":1}]}}}
            """));
        using var scope = new GrowthBookScope(payload, new UserContext { Attributes = GrowthBookAttributes.Parse("""{"id":"u1","country":"US"}""") });
        var result = scope.EvalFeature("f");
        Assert.That(result.Experiment!.Condition!.Value.GetRawText(), Is.EqualTo("""{"country":{"$in":["US","CA"]}}"""));
    }
}
