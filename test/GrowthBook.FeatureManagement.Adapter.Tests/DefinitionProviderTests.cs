using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>GrowthBook features as Microsoft.FeatureManagement definitions, composed with configuration flags in both schemas.</summary>
[TestFixture]
public sealed class DefinitionProviderTests
{
    private static readonly string[] GrowthBookFeatures =
    [
        "checkout-v2", "premium-only", "beta-groups", "max-items", "banner-text", "ratio", "unnamed-force",
        "button-style", "pricing", "layout", "clash", "clash-dotnet", "kill-switch", "team:scoped-key", "menu", "nothing",
    ];

    private static async Task<List<FeatureDefinition>> AllAsync(IFeatureDefinitionProvider provider)
    {
        var all = new List<FeatureDefinition>();
        await foreach (var definition in provider.GetAllFeatureDefinitionsAsync())
        {
            all.Add(definition);
        }

        return all;
    }

    [Test]
    public async Task TheProviderMicrosoftFeatureManagementUsesIsTheGrowthBookOne()
    {
        await using var services = await TestServices.BuildAsync();
        Assert.Multiple(() =>
        {
            Assert.That(services.GetRequiredService<IFeatureDefinitionProvider>(), Is.InstanceOf<GrowthBookFeatureDefinitionProvider>());
            Assert.That(services.GetServices<IFeatureDefinitionProvider>().Count(), Is.EqualTo(1));
            Assert.That(services.GetRequiredService<IFeatureManager>(), Is.InstanceOf<GrowthBookFeatureManager>());
            Assert.That(services.GetRequiredService<IVariantFeatureManager>(), Is.SameAs(services.GetRequiredService<IFeatureManager>()));
        });
    }

    [Test]
    public async Task EachGrowthBookFeatureIsEnabledThroughTheGrowthBookFilter()
    {
        await using var services = await TestServices.BuildAsync();
        var provider = services.GetRequiredService<IFeatureDefinitionProvider>();
        foreach (var name in GrowthBookFeatures.Where(n => n is not ("clash" or "clash-dotnet")))
        {
            var definition = await provider.GetFeatureDefinitionAsync(name);
            Assert.That(definition, Is.Not.Null, name);
            Assert.Multiple(() =>
            {
                Assert.That(definition.Name, Is.EqualTo(name));
                Assert.That(definition.EnabledFor.Select(f => f.Name), Is.EqualTo(new[] { GrowthBookFeatureFilter.Alias }), name);
                Assert.That(definition.RequirementType, Is.EqualTo(RequirementType.Any));
                Assert.That(definition.Status, Is.EqualTo(FeatureStatus.Conditional));
            });
        }
    }

    [TestCase("checkout-v2", new[] { "default", "fr-us" })]
    [TestCase("max-items", new[] { "default", "fr-premium-items" })]
    [TestCase("unnamed-force", new[] { "default", "force" })]
    [TestCase("button-style", new[] { "default", "control", "treatment" })]
    [TestCase("pricing", new[] { "default", "control", "discount", "bundle" })]
    [TestCase("layout", new[] { "default", "0", "1" })]
    [TestCase("banner-text", new[] { "default" })]
    public async Task VariantsListTheFeaturesPossibleValues(string feature, string[] variants)
    {
        await using var services = await TestServices.BuildAsync();
        var definition = await services.GetRequiredService<IFeatureDefinitionProvider>().GetFeatureDefinitionAsync(feature);
        Assert.That(definition.Variants.Select(v => v.Name), Is.EqualTo(variants));
    }

    [Test]
    public async Task VariantDefinitionsCarryTheValuesAsConfiguration()
    {
        await using var services = await TestServices.BuildAsync();
        var provider = services.GetRequiredService<IFeatureDefinitionProvider>();
        var button = (await provider.GetFeatureDefinitionAsync("button-style")).Variants.ToDictionary(v => v.Name);
        var pricing = (await provider.GetFeatureDefinitionAsync("pricing")).Variants.ToDictionary(v => v.Name);
        var items = (await provider.GetFeatureDefinitionAsync("max-items")).Variants.ToDictionary(v => v.Name);
        Assert.Multiple(() =>
        {
            var treatment = button["treatment"].ConfigurationValue.Get<ButtonOptions>()!;
            Assert.That((treatment.Color, treatment.Size, treatment.Rounded), Is.EqualTo(("green", 14, true)));
            Assert.That(button["default"].ConfigurationValue.Get<ButtonOptions>()!.Color, Is.EqualTo("gray"));
            Assert.That(pricing["discount"].ConfigurationValue.Value, Is.EqualTo("discount"));
            Assert.That(pricing["default"].ConfigurationValue.Value, Is.EqualTo("standard"));
            Assert.That(items["fr-premium-items"].ConfigurationValue.Value, Is.EqualTo("50"));
        });
    }

    [TestCase(FeaturePrecedence.GrowthBook)]
    [TestCase(FeaturePrecedence.Configuration)]
    public async Task AllDefinitionsAreGrowthBooksAndBothConfigurationSchemasEachOnce(FeaturePrecedence precedence)
    {
        await using var services = await TestServices.BuildAsync(precedence);
        var all = await AllAsync(services.GetRequiredService<IFeatureDefinitionProvider>());
        var names = all.Select(d => d.Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.Unique);
            Assert.That(names, Is.EquivalentTo(GrowthBookFeatures.Union(TestServices.ConfigurationFlagNames)));
            Assert.That(names, Does.Contain("MsFlag"), "the Microsoft schema (feature_management)");
            Assert.That(names, Does.Contain("DotnetFlag"), "the .NET schema (FeatureManagement)");
        });

        // The clashing names resolve to the winner's definition, in the listing too.
        var clash = all.Single(d => d.Name == "clash");
        var clashDotnet = all.Single(d => d.Name == "clash-dotnet");
        var growthBookWins = precedence == FeaturePrecedence.GrowthBook;
        Assert.Multiple(() =>
        {
            Assert.That(clash.EnabledFor.Any(f => f.Name == GrowthBookFeatureFilter.Alias), Is.EqualTo(growthBookWins));
            Assert.That(clashDotnet.EnabledFor.Any(f => f.Name == GrowthBookFeatureFilter.Alias), Is.EqualTo(growthBookWins));
        });
    }

    [TestCase(FeaturePrecedence.GrowthBook, true)]
    [TestCase(FeaturePrecedence.Configuration, false)]
    public async Task ANameClashFollowsThePrecedenceInBothSchemas(FeaturePrecedence precedence, bool expected)
    {
        // GrowthBook has "clash" and "clash-dotnet" on; configuration has them off (Microsoft schema and .NET schema).
        await using var services = await TestServices.BuildAsync(precedence);
        var provider = services.GetRequiredService<IFeatureDefinitionProvider>();
        var manager = services.GetRequiredService<IFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("clash"), Is.EqualTo(expected), "feature_management");
            Assert.That(await manager.IsEnabledAsync("clash-dotnet"), Is.EqualTo(expected), "FeatureManagement");
            Assert.That((await provider.GetFeatureDefinitionAsync("clash")).EnabledFor.Any(f => f.Name == GrowthBookFeatureFilter.Alias), Is.EqualTo(expected));
            Assert.That((await provider.GetFeatureDefinitionAsync("clash-dotnet")).EnabledFor.Any(f => f.Name == GrowthBookFeatureFilter.Alias), Is.EqualTo(expected));

            // Names only one side knows are served by that side whatever the precedence.
            Assert.That(await manager.IsEnabledAsync("MsFlag"), Is.True);
            Assert.That(await manager.IsEnabledAsync("DotnetFlag"), Is.True);
            Assert.That(await manager.IsEnabledAsync("DotnetOff"), Is.False);
            Assert.That(await manager.IsEnabledAsync("banner-text"), Is.True);
            Assert.That(await manager.IsEnabledAsync("kill-switch"), Is.False);
        });
    }

    [TestCase(FeaturePrecedence.GrowthBook)]
    [TestCase(FeaturePrecedence.Configuration)]
    public async Task AGrowthBookKeyThatConfigurationCannotHoldIsServed(FeaturePrecedence precedence)
    {
        // Configuration keys cannot contain ':' (Microsoft's provider throws for such names); a GrowthBook key can.
        await using var services = await TestServices.BuildAsync(precedence);
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var definition = await services.GetRequiredService<IFeatureDefinitionProvider>().GetFeatureDefinitionAsync("team:scoped-key");
        Assert.Multiple(async () =>
        {
            Assert.That(definition?.Name, Is.EqualTo("team:scoped-key"));
            Assert.That(await manager.IsEnabledAsync("team:scoped-key", CancellationToken.None), Is.True);
            Assert.That((await manager.GetVariantAsync("team:scoped-key", CancellationToken.None)).Name, Is.EqualTo("default"));
        });
    }

    [Test]
    public async Task UnknownNamesHaveNoDefinitionAndAreOff()
    {
        await using var services = await TestServices.BuildAsync();
        var provider = services.GetRequiredService<IFeatureDefinitionProvider>();
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        Assert.Multiple(async () =>
        {
            Assert.That(await provider.GetFeatureDefinitionAsync("no-such-feature"), Is.Null);
            Assert.That(await manager.IsEnabledAsync("no-such-feature", CancellationToken.None), Is.False);
            Assert.That(await manager.GetVariantAsync("no-such-feature", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task FeatureNamesListEveryFeatureOnce()
    {
        await using var services = await TestServices.BuildAsync();
        var names = new List<string>();
        await foreach (var name in services.GetRequiredService<IFeatureManager>().GetFeatureNamesAsync())
        {
            names.Add(name);
        }

        Assert.That(names, Is.EquivalentTo(GrowthBookFeatures.Union(TestServices.ConfigurationFlagNames)));
    }
}
