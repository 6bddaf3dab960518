using System.Collections.Concurrent;
using System.Diagnostics;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>Tracking plugins and telemetry registered in DI, fed by Microsoft.FeatureManagement calls.</summary>
[TestFixture]
public sealed class TrackingTests
{
    private const string FlagsWithTelemetry = """
        { "feature_management": { "feature_flags": [ { "id": "FmTelemetry", "enabled": true, "telemetry": { "enabled": true } } ] } }
        """;

    private static readonly ActivitySource Requests = new("GrowthBook.Adapter.Tests.Requests");

    [Test]
    public async Task VariantsAndFlags_ReachPluginsAndPublishers_InMicrosoftFeatureManagementsShape()
    {
        var batches = new ConcurrentQueue<IReadOnlyList<GrowthBookTelemetryEvent>>();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is GrowthBookTelemetry.FeatureManagementActivitySourceName or GrowthBookTelemetry.ActivitySourceName || s == Requests,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main }, FlagsWithTelemetry);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement()
            .AddGrowthBook(configuration.GetSection("GrowthBook"))
            .AddTelemetry()
            .AddTrackingPlugin(_ => new CallbackTrackingPlugin((events, _) =>
            {
                batches.Enqueue(events);
                return ValueTask.CompletedTask;
            }));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var client = provider.GetRequiredService<GrowthBookClient>();
        await client.InitializeAsync();
        var manager = provider.GetRequiredService<IVariantFeatureManager>();

        Variant variant;
        using (Requests.StartActivity("GET /"))
        {
            variant = await manager.GetVariantAsync("button-style", new TargetingContext { UserId = "dana" }, CancellationToken.None);
            await manager.IsEnabledAsync("button-style", new TargetingContext { UserId = "dana" }, CancellationToken.None);
            await manager.IsEnabledAsync("FmTelemetry", CancellationToken.None); // Microsoft.FeatureManagement's own flag, for comparison
        }

        await client.FlushAsync();
        var exposures = batches.SelectMany(b => b).OfType<ExperimentViewedEvent>().ToList();
        var fmActivities = stopped.Where(a => a.Source.Name == GrowthBookTelemetry.FeatureManagementActivitySourceName).ToList();
        var ours = fmActivities.Where(a => a.Events.Any(e => Equals(Tag(e, "FeatureName"), "button-style"))).ToList();
        var theirs = fmActivities.Where(a => a.Events.Any(e => Equals(Tag(e, "FeatureName"), "FmTelemetry"))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exposures.Select(e => e.Experiment.Key), Is.EqualTo(new[] { "button-exp" }), "one exposure for the user, through the plugin");
            Assert.That(exposures.Single().Result.Key, Is.EqualTo(variant.Name));
            Assert.That(ours, Has.Count.EqualTo(2), "both GrowthBook evaluations, as FeatureFlag events");
            Assert.That(theirs, Has.Count.EqualTo(1), "Microsoft.FeatureManagement reported its own flag");
            Assert.That(ours.Select(a => a.OperationName).Distinct(), Is.EqualTo(theirs.Select(a => a.OperationName).Distinct()), "the same activity name as Microsoft.FeatureManagement's");
            var ourKeys = ours[0].Events.Single().Tags.Select(t => t.Key).ToHashSet();
            var theirKeys = theirs[0].Events.Single(e => e.Name == "FeatureFlag").Tags.Select(t => t.Key).ToHashSet();
            Assert.That(theirKeys.Intersect(new[] { "FeatureName", "Enabled", "VariantAssignmentReason", "Version" }), Is.EquivalentTo(ourKeys.Intersect(new[] { "FeatureName", "Enabled", "VariantAssignmentReason", "Version" })));
            Assert.That(ourKeys, Is.SupersetOf(new[] { "FeatureName", "Enabled", "VariantAssignmentReason", "Version", "Variant", "TargetingId" }));
            Assert.That(Tag(ours[0].Events.Single(), "Variant"), Is.EqualTo(variant.Name));
            Assert.That(Tag(ours[0].Events.Single(), "TargetingId"), Is.EqualTo("dana"));
            Assert.That(stopped.Count(a => a.Source.Name == GrowthBookTelemetry.ActivitySourceName && a.OperationName == "growthbook.experiment_viewed"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task StoppingTheHost_FlushesThePlugins()
    {
        var delivered = new ConcurrentQueue<GrowthBookTelemetryEvent>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<ITargetingContextAccessor>(new TestTargetingContextAccessor());
        builder.Services.AddFeatureManagement()
            .AddGrowthBook(o => o.BootstrapPayload = TestPayloads.Main)
            .AddTrackingPlugin(_ => new CallbackTrackingPlugin(
                (events, _) =>
                {
                    foreach (var e in events)
                    {
                        delivered.Enqueue(e);
                    }

                    return ValueTask.CompletedTask;
                },
                new TrackingPluginOptions { FlushInterval = TimeSpan.FromHours(1) }));
        using var host = builder.Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<IVariantFeatureManager>();
        for (var i = 0; i < 3; i++)
        {
            await manager.GetVariantAsync("button-style", new TargetingContext { UserId = "host-user-" + i }, CancellationToken.None);
        }

        await Task.Delay(200);
        Assert.That(delivered, Is.Empty, "a partial batch waits for its hour-long flush interval");
        await host.StopAsync();
        Assert.That(delivered.OfType<ExperimentViewedEvent>().Count(), Is.EqualTo(3), "the hosted service flushed the plugin when the host stopped");
    }

    private static object? Tag(ActivityEvent e, string key) => e.Tags.FirstOrDefault(t => t.Key == key).Value;
}
