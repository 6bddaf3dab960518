using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests;

/// <summary>
/// The test data behind Microsoft.FeatureManagement on a real host: <c>IsEnabledAsync</c> and <c>GetVariantAsync</c>
/// answer as they do for the hand-written payload, whatever order things are registered in, and changes reach them.
/// </summary>
public sealed class FeatureManagementTests
{
    private const string HandWritten = """
        {"features": {
          "new-checkout": {"defaultValue": false, "rules": [
            {"id": "beta", "condition": {"groups": {"$in": ["beta", "staff"]}}, "force": true},
            {"id": "quarter", "force": true, "coverage": 0.25}]},
          "button": {"defaultValue": {"color": "blue"}, "rules": [
            {"key": "button-exp", "variations": [{"color": "blue"}, {"color": "green"}], "weights": [0.4, 0.6], "meta": [{"key": "control"}, {"key": "green"}]}]},
          "max-items": {"defaultValue": 10, "rules": [{"id": "vip", "condition": {"id": "user-3"}, "force": 99}]}}}
        """;

    private static readonly string[] Features = ["new-checkout", "button", "max-items", "not-a-feature"];

    private static GrowthBookTestData TestData() => new GrowthBookTestData()
        .Feature("new-checkout", f => f.DefaultValue(false).When("groups", "beta", "staff").Serve(true, ruleId: "beta").Rollout(true, 0.25, ruleId: "quarter"))
        .Feature("button", f => f.DefaultValue(new JsonObject { ["color"] = "blue" }).Experiment("button-exp", e => e
            .Variation(new JsonObject { ["color"] = "blue" }, key: "control")
            .Variation(new JsonObject { ["color"] = "green" }, key: "green")
            .Weights(0.4, 0.6)))
        .Feature("max-items", f => f.DefaultValue(10).When("id", "user-3").Serve(99, ruleId: "vip"));

    private static IEnumerable<TargetingContext> Users()
        => Enumerable.Range(0, 200).Select(i => new TargetingContext { UserId = $"user-{i}", Groups = i % 10 == 0 ? ["beta"] : [] });

    [TestCase(Registration.TestDataFirst)]
    [TestCase(Registration.WithTestDataLast)]
    [TestCase(Registration.WithTestDataThenAppConfiguresMore)]
    public async Task AnswersAreThoseOfTheHandWrittenPayload_WhateverTheRegistrationOrder(Registration order)
    {
        using var expected = await StartAsync(testData: null, order, HandWritten);
        var testData = TestData();
        using var actual = await StartAsync(testData, order, bootstrap: """{"features": {"new-checkout": {"defaultValue": true}}}""");

        var client = actual.Services.GetRequiredService<GrowthBookClient>();
        Assert.That(client.Status.Source, Is.EqualTo(PayloadSource.Custom), "the test data, not the app's bootstrap or API");
        Assert.That(client.Status.IsOnline, Is.False, "the client key is never used");
        Assert.That(actual.Services.GetRequiredService<GrowthBookTestData>(), Is.SameAs(testData));

        var want = await AnswersAsync(expected.Services.GetRequiredService<IVariantFeatureManager>());
        var got = await AnswersAsync(actual.Services.GetRequiredService<IVariantFeatureManager>());
        Assert.That(got, Is.EqualTo(want));
        Assert.That(got.Where(a => a.StartsWith("new-checkout", StringComparison.Ordinal)).Select(a => a.Split(' ')[2]).Distinct(), Is.EquivalentTo(new[] { "True", "False" }));
        Assert.That(got.Where(a => a.StartsWith("button", StringComparison.Ordinal)).Select(a => a.Split(' ')[3]).Distinct(), Is.EquivalentTo(new[] { "control", "green" }));
    }

    [Test]
    public async Task AChange_ReachesIsEnabledAndGetVariant_OfTheRunningApp()
    {
        var testData = TestData();
        using var host = await StartAsync(testData, Registration.WithTestDataLast, bootstrap: null);
        var features = host.Services.GetRequiredService<IVariantFeatureManager>();
        var user = new TargetingContext { UserId = "user-1", Groups = ["beta"] };
        Assert.That(await features.IsEnabledAsync("new-checkout", user), Is.True);

        testData.Update(t => t.Set("new-checkout", false).Feature("max-items", f => f.Serve(50, ruleId: "everyone")));

        Assert.That(await features.IsEnabledAsync("new-checkout", user), Is.False);
        var variant = await features.GetVariantAsync("max-items", user, CancellationToken.None);
        Assert.That((variant.Name, variant.Configuration.Value), Is.EqualTo(("everyone", "50")));
    }

    public enum Registration
    {
        /// <summary><c>services.AddGrowthBookTestData</c> before <c>AddFeatureManagement().AddGrowthBook(…)</c>.</summary>
        TestDataFirst,

        /// <summary><c>.WithTestData</c> after the app's setup.</summary>
        WithTestDataLast,

        /// <summary><c>.WithTestData</c>, then the app configures the client options further (a bootstrap file, as the demo does).</summary>
        WithTestDataThenAppConfiguresMore,
    }

    // Each feature for each user, as "feature user enabled variant configuration".
    private static async Task<List<string>> AnswersAsync(IVariantFeatureManager features)
    {
        var answers = new List<string>();
        foreach (var feature in Features)
        {
            foreach (var user in Users())
            {
                var enabled = await features.IsEnabledAsync(feature, user);
                var variant = await features.GetVariantAsync(feature, user, CancellationToken.None);
                var configuration = variant?.Configuration is { } section
                    ? string.Join(",", section.AsEnumerable().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))
                    : "-";
                answers.Add($"{feature} {user.UserId} {enabled} {variant?.Name ?? "-"} {configuration}");
            }
        }

        return answers;
    }

    // A host with Microsoft.FeatureManagement and GrowthBook configured as an app would be (a client key and a bootstrap),
    // the test data registered in the given order; started, so the client is initialised.
    private static async Task<IHost> StartAsync(GrowthBookTestData? testData, Registration order, string? bootstrap)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GrowthBook:ClientKey"] = testData is null ? null : "sdk-never-used",
            ["GrowthBook:ApiHost"] = "http://127.0.0.1:9",
            ["GrowthBook:BootstrapPayload"] = bootstrap,
        });
        if (testData is not null && order == Registration.TestDataFirst)
        {
            builder.Services.AddGrowthBookTestData(testData);
        }

        var growthBook = builder.Services.AddFeatureManagement().AddGrowthBook(builder.Configuration.GetSection("GrowthBook"));
        if (testData is not null && order != Registration.TestDataFirst)
        {
            growthBook.WithTestData(testData);
        }

        if (testData is not null && order == Registration.WithTestDataThenAppConfiguresMore)
        {
            builder.Services.PostConfigure<GrowthBookClientOptions>(options => options.BootstrapFile = Path.Combine(Path.GetTempPath(), "not-there.json"));
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
