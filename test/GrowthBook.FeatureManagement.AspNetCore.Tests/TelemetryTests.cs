using System.Collections.Concurrent;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>Exposures from requests reach the app's ITelemetryPublisher, once per user, experiment and variation.</summary>
[TestFixture]
public sealed class TelemetryTests
{
    [Test]
    public async Task RepeatedRequestsReportEachUserOnce()
    {
        var publisher = new CollectingPublisher();
        await using var app = new TestAppFactory(new TestAppSettings
        {
            GrowthBook = { ["BootstrapPayload"] = TestPayloads.Main },
            Services = s => s.AddSingleton<ITelemetryPublisher>(publisher),
        });
        using var client = app.CreateClient();
        var ids = Enumerable.Range(0, 20).Select(i => "user-" + i).ToList();
        for (var round = 0; round < 3; round++)
        {
            foreach (var id in ids)
            {
                await client.GetAsync("/variant/pricing", new TestUser(id));
                await client.GetAsync("/mvc/features", new TestUser(id, "US"));
            }
        }

        var payload = GrowthBookPayload.Parse(TestPayloads.Main);
        var pricing = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");
        var button = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        var expectedPricing = ids.Where(id => TestPayloads.EngineVariant(payload, pricing, id).Result.InExperiment).ToList();
        var expectedButton = ids.Where(id => TestPayloads.EngineVariant(payload, button, id).Result.InExperiment).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (publisher.Events.Count < expectedPricing.Count + expectedButton.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        var exposures = publisher.Events.OfType<ExperimentViewedEvent>().ToList();
        static string Id(ExperimentViewedEvent e) => e.Result.HashValue.GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(exposures.Where(e => e.Experiment.Key == "pricing-exp").Select(Id), Is.EquivalentTo(expectedPricing));
            Assert.That(exposures.Where(e => e.Experiment.Key == "button-exp").Select(Id), Is.EquivalentTo(expectedButton));
            Assert.That(exposures.All(e => e.User.Attributes.TryGetValue("url", out _)), Is.True, "the request's user, with its attributes");
        });
    }

    private sealed class CollectingPublisher : ITelemetryPublisher
    {
        public ConcurrentQueue<GrowthBookTelemetryEvent> Events { get; } = new();

        public ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken)
        {
            Events.Enqueue(telemetryEvent);
            return ValueTask.CompletedTask;
        }
    }
}
