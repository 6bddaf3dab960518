using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>The <c>GrowthBook</c> filter in configuration-defined flags, next to Microsoft's own filters.</summary>
[TestFixture]
public sealed class FeatureFilterTests
{
    private static readonly UserContext Us = TestPayloads.User("u-us", ("country", "US"));
    private static readonly UserContext France = TestPayloads.User("u-fr", ("country", "FR"));
    private static readonly UserContext Premium = TestPayloads.User("u-premium", ("plan", "premium"));

    [Test]
    public async Task TheGrowthBookFilterDecidesAnAnyFlagWhosePercentageIsZero()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", Us), Is.True, ".NET schema, user passes GrowthBook targeting");
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", France), Is.False, ".NET schema, user fails GrowthBook targeting");
            Assert.That(await manager.IsEnabledAsync("MsPercentOrGrowthBook", Premium), Is.True, "Microsoft schema, user passes");
            Assert.That(await manager.IsEnabledAsync("MsPercentOrGrowthBook", Us), Is.False, "Microsoft schema, user fails");
        });
    }

    [Test]
    public async Task AnAllFlagNeedsBothThePercentageAndGrowthBook()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("PercentAndGrowthBook", Us), Is.True);
            Assert.That(await manager.IsEnabledAsync("PercentAndGrowthBook", France), Is.False);
            Assert.That(await manager.IsEnabledAsync("ZeroPercentAndGrowthBook", Us), Is.False, "the percentage filter still counts");
            Assert.That(await manager.IsEnabledAsync("PercentOnly", France), Is.True, "Microsoft.Percentage alone");
        });
    }

    [Test]
    public async Task WithoutAContextTheFilterEvaluatesTheCurrentUser()
    {
        var users = new TestUserAccessor();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var manager = services.GetRequiredService<IFeatureManager>();

        users.Current = Us;
        var forUs = await manager.IsEnabledAsync("PercentOrGrowthBook");
        var msForUs = await manager.IsEnabledAsync("MsPercentOrGrowthBook");
        users.Current = Premium;
        var msForPremium = await manager.IsEnabledAsync("MsPercentOrGrowthBook");
        users.Current = France;
        var forFrance = await manager.IsEnabledAsync("PercentOrGrowthBook");
        Assert.Multiple(() =>
        {
            Assert.That(forUs, Is.True);
            Assert.That(forFrance, Is.False);
            Assert.That(msForUs, Is.False);
            Assert.That(msForPremium, Is.True);
        });
    }

    [Test]
    public async Task TheFilterTakesAGrowthBookAttributesOrTargetingContext()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", Us.Attributes), Is.True);
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", France.Attributes), Is.False);
        });
    }

    [Test]
    public async Task TheFilterTakesATargetingContextOverTheCurrentUser()
    {
        var users = new TestUserAccessor { Current = Us };
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("GroupsViaGrowthBook", new TargetingContext { UserId = "t1", Groups = ["beta"] }), Is.True);
            Assert.That(await manager.IsEnabledAsync("GroupsViaGrowthBook", new TargetingContext { UserId = "t1", Groups = ["staff"] }), Is.False);

            // UserId and Groups are laid over the current user, whose country still counts.
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", new TargetingContext { UserId = "t2" }), Is.True);
        });
    }

    [Test]
    public async Task AnyOtherContextFallsBackToTheCurrentUser()
    {
        var users = new TestUserAccessor { Current = Us };
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var manager = services.GetRequiredService<IFeatureManager>();
        var forUs = await manager.IsEnabledAsync("PercentOrGrowthBook", "some other context");
        users.Current = France;
        var forFrance = await manager.IsEnabledAsync("PercentOrGrowthBook", 42);
        Assert.Multiple(() =>
        {
            Assert.That(forUs, Is.True);
            Assert.That(forFrance, Is.False);
        });
    }

    [Test]
    public async Task ScopedFeatureManagementWorksToo()
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddScopedFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        await using var scope = provider.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(manager, Is.InstanceOf<GrowthBookFeatureManager>());
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", Us), Is.True);
            Assert.That(await manager.IsEnabledAsync("PercentOrGrowthBook", France), Is.False);
            Assert.That(await manager.IsEnabledAsync("checkout-v2", Us), Is.True);
            Assert.That(await scope.ServiceProvider.GetRequiredService<IFeatureManagerSnapshot>().IsEnabledAsync("banner-text"), Is.True);
        });
    }

    [Test]
    public async Task GrowthBookDefinitionsWorkThroughMicrosoftsOwnFeatureManagerToo()
    {
        // Anything that evaluates the definitions with Microsoft's FeatureManager (through the GrowthBook filter, feature = the flag's
        // own name) gets the answers GrowthBook's engine gives.
        await using var services = await TestServices.BuildAsync();
        var inner = services.GetRequiredService<FeatureManager>();
        var growthBook = services.GetRequiredService<GrowthBookClient>();
        foreach (var user in new[] { Us, France, Premium })
        {
            foreach (var feature in new[] { "checkout-v2", "premium-only", "banner-text", "kill-switch" })
            {
                Assert.That(await inner.IsEnabledAsync(feature, user), Is.EqualTo(growthBook.IsOn(feature, user)), $"{feature} for {user.Attributes}");
            }
        }
    }

    [Test]
    public async Task TheFilterIsRegisteredUnderItsAlias()
    {
        await using var services = await TestServices.BuildAsync();
        var filters = services.GetServices<IFeatureFilterMetadata>().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(filters.OfType<GrowthBookFeatureFilter>().Count(), Is.EqualTo(1));
            Assert.That(filters.OfType<PercentageFilter>().Count(), Is.EqualTo(1), "Microsoft's filters stay registered");
        });
    }
}
