using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests;

/// <summary>Bad input is refused with an ArgumentException naming the parameter, and leaves the test data as it was.</summary>
public sealed class BadInputTests
{
    private static readonly TestCaseData[] Calls =
    [
        Case("Set, null key", "key", t => t.Set(null!, true)),
        Case("Set, empty key", "key", t => t.Set("", true)),
        Case("Feature, null key", "key", t => t.Feature(null!, f => f.DefaultValue(1))),
        Case("Feature, null builder", "build", t => t.Feature("f", null!)),
        Case("Remove, null key", "key", t => t.Remove(null!)),
        Case("ForceVariation, null key", "experimentKey", t => t.ForceVariation(null!, 1)),
        Case("ForceVariation, negative variation", "variation", t => t.ForceVariation("e", -1)),
        Case("When, null attribute", "attribute", t => t.Feature("f", f => f.When(null!, "US").Serve(true))),
        Case("When, no value", "values", t => t.Feature("f", f => f.When("country").Serve(true))),
        Case("WhenCondition, not JSON", "condition", t => t.Feature("f", f => f.WhenCondition("{country: US}").Serve(true))),
        Case("WhenCondition, not an object", "condition", t => t.Feature("f", f => f.WhenCondition("[1]").Serve(true))),
        Case("Requires, null parent", "parentKey", t => t.Feature("f", f => f.Requires(null!))),
        Case("Serve, NaN", "value", t => t.Feature("f", f => f.Serve(double.NaN))),
        Case("Rollout, coverage above 1", "coverage", t => t.Feature("f", f => f.Rollout(true, 1.5))),
        Case("Rollout, coverage below 0", "coverage", t => t.Feature("f", f => f.Rollout(true, -0.1))),
        Case("Rollout, coverage NaN", "coverage", t => t.Feature("f", f => f.Rollout(true, double.NaN))),
        Case("Experiment, null key", "key", t => t.Feature("f", f => f.Experiment(null!, 1, 2))),
        Case("Experiment, coverage above 1", "coverage", t => t.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2).Coverage(2)))),
        Case("Experiment, weights not adding up to 1", "weights", t => t.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2).Weights(0.5, 0.2)))),
        Case("Experiment, negative weight", "weights", t => t.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2).Weights(1.5, -0.5)))),
        Case("Experiment, one variation", null, t => t.Feature("f", f => f.Experiment("e", 1))),
        Case("Experiment, weights of another count", null, t => t.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2, 3).Weights(0.5, 0.5)))),
        Case("Experiment, hash version 3", "version", t => t.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2).HashVersion(3)))),
    ];

    [TestCaseSource(nameof(Calls))]
    public void IsRefused_WithAnArgumentException_AndChangesNothing(string parameter, Action<GrowthBookTestData> call)
    {
        var testData = new GrowthBookTestData().Set("kept", "yes");
        var before = testData.ToJson();

        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => call(testData)) as ArgumentException;

        Assert.That(thrown!.ParamName, Is.EqualTo(parameter == "" ? null : parameter));
        Assert.That(thrown.Message, Is.Not.Empty);
        Assert.That(testData.ToJson(), Is.EqualTo(before));
    }

    [Test]
    public void ARuleNeverFinished_IsRefused_NamingTheFeature()
    {
        var testData = new GrowthBookTestData();

        Assert.That(() => testData.Feature("half-done", f => f.When("country", "US")), Throws.InvalidOperationException.With.Message.Contains("'half-done'"));
        Assert.That(testData.ToJson(), Does.Contain("\"features\":{}"));
    }

    [Test]
    public void WeightsThatGrowthBookWouldIgnore_SayWhy()
    {
        var builder = new GrowthBookTestData();

        Assert.That(
            () => builder.Feature("f", f => f.Experiment("e", e => e.Variations(1, 2).Weights(0.5, 0.2))),
            Throws.ArgumentException.With.Message.Contains("add up to 0.7").And.Message.Contains("split users equally"));
    }

    private static TestCaseData Case(string name, string? parameter, Action<GrowthBookTestData> call)
        => new TestCaseData(parameter ?? "", call) { TestName = "{m}(" + name + ")" };
}
