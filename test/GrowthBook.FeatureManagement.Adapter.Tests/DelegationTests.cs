using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>Names GrowthBook does not serve go to Microsoft.FeatureManagement, with its filters, variants and allocation intact.</summary>
[TestFixture]
public sealed class DelegationTests
{
    [Test]
    public async Task ConfigurationFlagsKeepTheirFilters()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("TimeWindowPast"), Is.False, "Microsoft.TimeWindow, ended");
            Assert.That(await manager.IsEnabledAsync("TimeWindowOpen"), Is.True, "Microsoft.TimeWindow, started");
            Assert.That(await manager.IsEnabledAsync("PercentOnly"), Is.True, "Microsoft.Percentage 100");
            Assert.That(await manager.IsEnabledAsync("MsTargeted", new TargetingContext { UserId = "alice" }), Is.True, "Microsoft.Targeting, in audience");
            Assert.That(await manager.IsEnabledAsync("MsTargeted", new TargetingContext { UserId = "bob" }), Is.False, "Microsoft.Targeting, not in audience");
        });
    }

    [Test]
    public async Task DelegatedNamesDoNotAskForTheUser()
    {
        var users = new TestUserAccessor();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var manager = services.GetRequiredService<IFeatureManager>();
        var variants = services.GetRequiredService<IVariantFeatureManager>();
        var dotnetFlag = await manager.IsEnabledAsync("DotnetFlag");
        var msFlag = await variants.IsEnabledAsync("MsFlag", CancellationToken.None);
        var unknown = await manager.IsEnabledAsync("no-such-flag");
        var delegatedCalls = users.Calls;
        var growthBook = await manager.IsEnabledAsync("checkout-v2");
        Assert.Multiple(() =>
        {
            Assert.That(dotnetFlag && msFlag && !unknown, Is.True, "answers");
            Assert.That(delegatedCalls, Is.Zero, "configuration and unknown names");
            Assert.That(users.Calls, Is.EqualTo(1), "a GrowthBook feature asks once");
            Assert.That(growthBook, Is.False, "checkout-v2 for an anonymous user");
        });
    }

    [Test]
    public async Task TargetingFlagsReadMicrosoftsTargetingContextAccessor()
    {
        var targeting = new TestTargetingContextAccessor();
        await using var services = await TestServices.BuildAsync(
            configure: s => s.AddSingleton<ITargetingContextAccessor>(targeting),
            featureManagement: fm => fm.AddFeatureFilter<TargetingFilter>());
        var manager = services.GetRequiredService<IFeatureManager>();
        targeting.Current = new TargetingContext { UserId = "alice" };
        var alice = await manager.IsEnabledAsync("MsTargeted");
        targeting.Current = new TargetingContext { UserId = "bob" };
        var bob = await manager.IsEnabledAsync("MsTargeted");
        Assert.Multiple(() =>
        {
            Assert.That(alice, Is.True);
            Assert.That(bob, Is.False);
        });
    }

    [Test]
    public async Task ConfigurationVariantsAndAllocationAreMicrosofts()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var alice = await manager.GetVariantAsync("MsVariantFlag", new TargetingContext { UserId = "alice" }, CancellationToken.None);
        var bob = await manager.GetVariantAsync("MsVariantFlag", new TargetingContext { UserId = "bob" }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(alice.Name, Is.EqualTo("Big"));
            Assert.That(alice.Configuration["Size"], Is.EqualTo("40"));
            Assert.That(bob.Name, Is.EqualTo("Small"), "user allocation");
            Assert.That(bob.Configuration.GetValue<int>("Size"), Is.EqualTo(10));
        });
    }

    [Test]
    public async Task ConfigurationReloadsAreMicrosofts()
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = Testing.TestPayloads.Main });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        var manager = provider.GetRequiredService<IFeatureManager>();
        var before = await manager.IsEnabledAsync("DotnetOff");

        configuration["FeatureManagement:DotnetOff"] = "true";
        configuration.Reload();
        var after = await manager.IsEnabledAsync("DotnetOff");
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.False);
            Assert.That(after, Is.True);
        });
    }
}
