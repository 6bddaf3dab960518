using System.Net;
using System.Text.Json;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>GetVariantAsync through the real host: every user gets exactly the engine's variation.</summary>
[TestFixture]
public sealed class VariantTests : BootstrappedAppFixture
{
    private async Task<(string? Name, string? Value, string? Color)> VariantAsync(string feature, TestUser user)
    {
        var (status, body) = await Client.GetAsync("/variant/" + feature, user);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        using var json = JsonDocument.Parse(body);
        string? Read(string name) => json.RootElement.GetProperty(name).GetString();
        return (Read("name"), Read("value"), Read("color"));
    }

    [Test]
    public async Task AThousandUsersSplitExactlyAsTheEnginesRun()
    {
        var payload = GrowthBookPayload.Parse(TestPayloads.Main);
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");
        var ids = Enumerable.Range(0, 1000).Select(i => "user-" + i).ToList();
        var answers = new (string? Name, string? Value, string? Color)[ids.Count];

        // 1,000 real requests, eight at a time; each signs in its user, whose id is the hash attribute.
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            answers[i] = await VariantAsync("pricing", new TestUser(ids[i])));

        var mismatches = new List<string>();
        var split = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            var (expected, result) = TestPayloads.EngineVariant(payload, experiment, ids[i]);
            var expectedValue = expected == "default" ? "standard" : result.Value.GetString();
            if (answers[i].Name != expected || answers[i].Value != expectedValue)
            {
                mismatches.Add($"{ids[i]}: {answers[i].Name}/{answers[i].Value}, engine {expected}/{expectedValue}");
            }

            split[expected] = split.GetValueOrDefault(expected) + 1;
        }

        TestContext.Out.WriteLine("split: " + string.Join(", ", split.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That(split.Keys, Is.EquivalentTo(new[] { "control", "discount", "bundle", "default" }));
        });
    }

    [Test]
    public async Task VariantNamesAndValuesForEachKindOfResult()
    {
        var payload = GrowthBookPayload.Parse(TestPayloads.Main);
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        var treated = Enumerable.Range(0, 100).Select(i => "user-" + i).First(id => TestPayloads.EngineVariant(payload, experiment, id).Name == "treatment");
        Assert.Multiple(async () =>
        {
            Assert.That(await VariantAsync("button-style", new TestUser(treated)), Is.EqualTo(("treatment", (string?)null, "green")));
            Assert.That(await VariantAsync("max-items", TestUser.UsPremium), Is.EqualTo(("fr-premium-items", "50", (string?)null)));
            Assert.That(await VariantAsync("max-items", TestUser.UsFree), Is.EqualTo(("default", "10", (string?)null)));
            Assert.That(await VariantAsync("checkout-v2", TestUser.UsFree), Is.EqualTo(("fr-us", "True", (string?)null)));
            Assert.That(await VariantAsync("banner-text", TestUser.Anonymous), Is.EqualTo(("default", "Hello", (string?)null)));
            Assert.That(await VariantAsync("no-such-feature", TestUser.Anonymous), Is.EqualTo(((string?)null, (string?)null, (string?)null)));
        });
    }
}
