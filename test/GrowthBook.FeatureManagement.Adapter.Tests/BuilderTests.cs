using System.Collections.Concurrent;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>
/// The builder AddGrowthBook returns: what hangs from it is ordinary DI, so a service registered directly counts the
/// same, before or after AddGrowthBook; a second AddGrowthBook changes nothing; remote evaluation and invalid options
/// fail the start with a message saying what to change.
/// </summary>
[TestFixture]
public sealed class BuilderTests
{
    private static readonly UserContext Premium = new() { Attributes = GrowthBookAttributes.From([new("id", "u-1"), new("plan", "premium")]) };

    [TestCase(true)]
    [TestCase(false)]
    public async Task AUserAccessorRegisteredBeforeOrAfterAddGrowthBook_IsTheUserOfTheManagerAndTheFilter(bool before)
    {
        var accessor = new TestUserAccessor { Current = Premium };
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        if (before)
        {
            services.AddSingleton<IGrowthBookUserContextAccessor>(accessor);
        }

        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        if (!before)
        {
            services.AddSingleton<IGrowthBookUserContextAccessor>(accessor);
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        var manager = provider.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("premium-only"), Is.True, "GrowthBook's manager asks the app's accessor");
            Assert.That(await manager.IsEnabledAsync("MsPercentOrGrowthBook"), Is.True, "so does the GrowthBook filter inside a configuration flag");
            Assert.That(accessor.Calls, Is.EqualTo(2));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task PluginsPublishersAndAStoreRegisteredDirectly_AreTheClients_InEitherOrder(bool before)
    {
        var events = new ConcurrentQueue<GrowthBookTelemetryEvent>();
        var publisher = new RecordingPublisher();
        var store = new InMemoryStickyBucketService();
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        void Register()
        {
            services.AddSingleton<ITrackingPlugin>(_ => new CallbackTrackingPlugin((batch, _) =>
            {
                foreach (var e in batch)
                {
                    events.Enqueue(e);
                }

                return ValueTask.CompletedTask;
            }));
            services.AddSingleton<ITelemetryPublisher>(publisher);
            services.AddSingleton<IStickyBucketService>(store);
        }

        if (before)
        {
            Register();
        }

        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        if (!before)
        {
            Register();
        }

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<GrowthBookClient>();
        await client.InitializeAsync();
        var variant = await provider.GetRequiredService<IVariantFeatureManager>().GetVariantAsync("button-style", new Microsoft.FeatureManagement.FeatureFilters.TargetingContext { UserId = "u-1" }, CancellationToken.None);
        await client.FlushAsync();
        await publisher.WaitForAsync(1);

        Assert.Multiple(async () =>
        {
            Assert.That(events.OfType<ExperimentViewedEvent>().Select(e => e.Result.Key), Is.EqualTo(new[] { variant.Name }), "the plugin got the exposure");
            Assert.That(publisher.Events.OfType<ExperimentViewedEvent>().Count(), Is.EqualTo(1), "so did the publisher");
            Assert.That(await store.GetAssignmentsAsync("id", "u-1"), Is.Not.Null, "the store kept the assignment");
        });
    }

    [Test]
    public async Task ASecondAddGrowthBookOnlyAddsItsOptions()
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        var featureManagement = services.AddFeatureManagement();
        featureManagement.AddGrowthBook(configuration.GetSection("GrowthBook"));
        var count = services.Count;
        featureManagement.AddGrowthBook(o => o.CacheTtl = TimeSpan.FromMinutes(3), fm => fm.DefaultVariantName = "base");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IFeatureDefinitionProvider)), Is.EqualTo(1));
            Assert.That(services.Count - count, Is.EqualTo(2), "two option configurations, nothing else");
            Assert.That(provider.GetRequiredService<IOptions<GrowthBookClientOptions>>().Value.CacheTtl, Is.EqualTo(TimeSpan.FromMinutes(3)));
            Assert.That((await provider.GetRequiredService<IVariantFeatureManager>().GetVariantAsync("banner-text", CancellationToken.None)).Name, Is.EqualTo("base"));
        });
    }

    [Test]
    public void RemoteEvaluationIsRefusedAtStart_SayingWhy()
    {
        using var host = Host(b => b.Services.AddFeatureManagement().AddGrowthBook(o =>
        {
            o.ClientKey = "sdk-remote";
            o.RemoteEval = true;
        }));
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("GrowthBook:RemoteEval is not supported through Microsoft.FeatureManagement"));
            Assert.That(error.Message, Does.Contain("GrowthBookClient.EvalFeatureAsync"), "and what to do instead");
            Assert.That(error.Message, Does.Not.Contain("sdk-remote"));
        });
    }

    [Test]
    public void FeatureManagementOptionsAreValidatedAtStart()
    {
        using var host = Host(b => b.Services.AddFeatureManagement().AddGrowthBook(o => o.BootstrapPayload = TestPayloads.Main, fm => fm.DefaultVariantName = ""));
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Message, Does.Contain("GrowthBook:DefaultVariantName must not be empty."));
    }

    private static IHost Host(Action<HostApplicationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder);
        return builder.Build();
    }
}
