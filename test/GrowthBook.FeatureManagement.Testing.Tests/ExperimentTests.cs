using GrowthBook.FeatureManagement.Testing.Tests.Support;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests;

/// <summary>Experiments: users are split by the weights given (each user's bucket is the engine's), and forced variations force.</summary>
public sealed class ExperimentTests
{
    [Test]
    public async Task Weights_SplitUsers_ByTheBucketTheEngineComputes()
    {
        double[] weights = [0.2, 0.3, 0.5];
        var testData = new GrowthBookTestData()
            .Feature("split", f => f.Experiment("split-exp", e => e.Variations("a", "b", "c").Weights(weights)));
        await using var client = await testData.CreateClientAsync();

        var counts = new int[weights.Length];
        const int users = 3000;
        for (var i = 0; i < users; i++)
        {
            var result = client.EvalFeature("split", Users.WithId("split-user-" + i)).ExperimentResult!;
            Assert.That(result.InExperiment && result.HashUsed, Is.True);

            // GrowthBook's bucket ranges for coverage 1: [0, 0.2), [0.2, 0.5), [0.5, 1).
            var expected = 0;
            for (var end = weights[0]; result.Bucket >= end; end += weights[++expected])
            {
            }

            Assert.That(result.VariationId, Is.EqualTo(expected), $"user {i}, bucket {result.Bucket}");
            counts[result.VariationId]++;
        }

        // The hash is deterministic; three standard deviations of a binomial share over 3,000 users is at most 0.028.
        for (var v = 0; v < weights.Length; v++)
        {
            Assert.That((double)counts[v] / users, Is.EqualTo(weights[v]).Within(0.028), $"share of variation {v}");
        }

        await Answers.AssertSameAsync(testData, """{"features": {"split": {"rules": [{"key": "split-exp", "variations": ["a", "b", "c"], "weights": [0.2, 0.3, 0.5]}]}}}""", "split");
    }

    [Test]
    public async Task ForceVariation_PutsEveryUserInThatVariation_WithoutHashing()
    {
        var testData = new GrowthBookTestData()
            .Feature("checkout", f => f.DefaultValue("control").Experiment("checkout-exp", "control", "one-page", "express"))
            .ForceVariation("checkout-exp", 2);

        var answers = await Answers.AssertSameAsync(
            testData,
            """{"features": {"checkout": {"defaultValue": "control", "rules": [{"key": "checkout-exp", "variations": ["control", "one-page", "express"]}]}}}""",
            "checkout");

        Assert.That(answers["checkout"].Select(r => (r.ExperimentResult?.VariationId, r.ExperimentResult?.HashUsed)).Distinct(), Is.EqualTo(new (int?, bool?)[] { (2, false) }));
    }

    [Test]
    public async Task ForceVariation_AfterAClientWasCreated_IsRefused_RatherThanSilentlyIgnored()
    {
        var testData = new GrowthBookTestData().Feature("checkout", f => f.Experiment("checkout-exp", "a", "b"));
        await using var client = await testData.CreateClientAsync();

        Assert.That(() => testData.ForceVariation("checkout-exp", 1), Throws.InvalidOperationException.With.Message.Contains("ForceVariation before"));
    }

    [Test]
    public async Task WeightsThatSendEveryoneToOneVariation_ChangeAnExperimentWhileTheClientRuns()
    {
        var testData = new GrowthBookTestData().Feature("checkout", f => f.Experiment("checkout-exp", "a", "b"));
        await using var client = await testData.CreateClientAsync();

        testData.Feature("checkout", f => f.Experiment("checkout-exp", e => e.Variations("a", "b").Weights(0, 1)));

        var variations = Users.Population.Select(u => client.EvalFeature("checkout", u).ExperimentResult).Where(r => r is { InExperiment: true }).Select(r => r!.VariationId).Distinct();
        Assert.That(variations, Is.EqualTo(new[] { 1 }));
    }
}
