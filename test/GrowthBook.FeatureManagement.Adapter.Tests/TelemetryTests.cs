using System.Diagnostics;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>Experiment exposures from Microsoft.FeatureManagement calls reach ITelemetryPublisher once per user, experiment and variation, off the caller's path.</summary>
[TestFixture]
public sealed class TelemetryTests
{
    private static readonly GrowthBookPayload Payload = GrowthBookPayload.Parse(TestPayloads.Main);

    [Test]
    public async Task EachUserIsReportedOncePerExperimentAndVariation()
    {
        var publisher = new RecordingPublisher();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<ITelemetryPublisher>(publisher));
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var pricing = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");
        var button = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        var ids = Enumerable.Range(0, 40).Select(i => "user-" + i).ToList();

        // Every user three times, through both the variant and the flag APIs.
        for (var round = 0; round < 3; round++)
        {
            foreach (var id in ids)
            {
                var context = new TargetingContext { UserId = id };
                await manager.GetVariantAsync("pricing", context, CancellationToken.None);
                await manager.IsEnabledAsync("pricing", context, CancellationToken.None);
                await manager.GetVariantAsync("button-style", context, CancellationToken.None);
            }
        }

        var expectedPricing = ids.Where(id => TestPayloads.EngineVariant(Payload, pricing, id).Result.InExperiment).ToList();
        var expectedButton = ids.Where(id => TestPayloads.EngineVariant(Payload, button, id).Result.InExperiment).ToList();
        var events = await publisher.WaitForAsync(expectedPricing.Count + expectedButton.Count);
        var exposures = events.OfType<ExperimentViewedEvent>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(expectedPricing, Has.Count.LessThan(ids.Count), "some users fall outside the pricing coverage");
            Assert.That(events, Has.Count.EqualTo(exposures.Count), "no evaluation events unless a publisher asks for them");
            Assert.That(exposures.Where(e => e.Experiment.Key == "pricing-exp").Select(e => UserId(e)), Is.EquivalentTo(expectedPricing));
            Assert.That(exposures.Where(e => e.Experiment.Key == "button-exp").Select(e => UserId(e)), Is.EquivalentTo(expectedButton));
            foreach (var exposure in exposures)
            {
                var experiment = exposure.Experiment.Key == "pricing-exp" ? pricing : button;
                Assert.That(exposure.Result.Key, Is.EqualTo(TestPayloads.EngineVariant(Payload, experiment, UserId(exposure)).Name), UserId(exposure));
            }
        });
    }

    [Test]
    public async Task ASlowPublisherDoesNotHoldUpEvaluation()
    {
        var publisher = new RecordingPublisher(open: false);
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<ITelemetryPublisher>(publisher));
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var button = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        var ids = Enumerable.Range(0, 300).Select(i => "slow-" + i).ToList();

        var watch = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            await manager.GetVariantAsync("button-style", new TargetingContext { UserId = id }, CancellationToken.None);
        }

        watch.Stop();
        var deliveredWhileClosed = publisher.Events.Count;
        publisher.Open();
        var expected = ids.Count(id => TestPayloads.EngineVariant(Payload, button, id).Result.InExperiment);
        var events = await publisher.WaitForAsync(expected);
        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "evaluation never waits for the publisher");
            Assert.That(deliveredWhileClosed, Is.Zero);
            Assert.That(publisher.Calls, Is.GreaterThanOrEqualTo(1));
            Assert.That(events.OfType<ExperimentViewedEvent>().Count(), Is.EqualTo(expected), "queued, then all delivered");
        });
    }

    [Test]
    public async Task APublisherThatThrowsBreaksNothing()
    {
        var failing = new ThrowingPublisher();
        var recording = new RecordingPublisher();
        await using var services = await TestServices.BuildAsync(configure: s =>
        {
            s.AddSingleton<ITelemetryPublisher>(failing);
            s.AddSingleton<ITelemetryPublisher>(recording);
        });
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var variant = await manager.GetVariantAsync("button-style", new TargetingContext { UserId = "user-1" }, CancellationToken.None);
        var events = await recording.WaitForAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(variant.Name, Is.AnyOf("control", "treatment"));
            Assert.That(events, Has.Count.EqualTo(1), "the other publisher still gets the event");
        });
    }

    [Test]
    public async Task APublisherThatAsksForEvaluationsGetsEachOne()
    {
        var publisher = new EvaluationPublisher();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<ITelemetryPublisher>(publisher));
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var context = new TargetingContext { UserId = "user-3" };
        await manager.IsEnabledAsync("banner-text", context, CancellationToken.None);
        await manager.IsEnabledAsync("banner-text", context, CancellationToken.None);
        await manager.GetVariantAsync("max-items", context, CancellationToken.None);
        await manager.IsEnabledAsync("DotnetFlag", CancellationToken.None);
        var events = await publisher.WaitForAsync(3);
        Assert.That(events.OfType<FeatureEvaluatedEvent>().Select(e => e.FeatureKey), Is.EqualTo(new[] { "banner-text", "banner-text", "max-items" }), "GrowthBook features only, every evaluation");
    }

    private static string UserId(GrowthBookTelemetryEvent e) => e.User.Attributes.TryGetValue("id", out var id) ? id.GetString()! : "";

    private sealed class EvaluationPublisher : ITelemetryPublisher
    {
        private readonly RecordingPublisher _inner = new();

        public bool ReceivesEvaluations => true;

        public ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken) => _inner.PublishAsync(telemetryEvent, cancellationToken);

        public Task<List<GrowthBookTelemetryEvent>> WaitForAsync(int count) => _inner.WaitForAsync(count);
    }

    private sealed class ThrowingPublisher : ITelemetryPublisher
    {
        public ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken) => throw new InvalidOperationException("backend down");
    }
}
