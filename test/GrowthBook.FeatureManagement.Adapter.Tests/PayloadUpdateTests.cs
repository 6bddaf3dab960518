using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>A new payload (here: the bootstrap file rewritten) changes every answer, without rebuilding anything.</summary>
[TestFixture]
public sealed class PayloadUpdateTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gb-adapter-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task RewritingTheBootstrapFileChangesAnswersDefinitionsAndVariants()
    {
        var file = Path.Combine(_directory, "features.json");
        await File.WriteAllTextAsync(file, TestPayloads.Main);
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapFile"] = file });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();

        var manager = provider.GetRequiredService<IVariantFeatureManager>();
        var definitions = provider.GetRequiredService<IFeatureDefinitionProvider>();
        var france = new TargetingContext { UserId = "user-1" };
        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("checkout-v2", france, CancellationToken.None), Is.False);
            Assert.That(await definitions.GetFeatureDefinitionAsync("new-flag"), Is.Null);
            Assert.That((await manager.GetVariantAsync("button-style", france, CancellationToken.None)).Name, Is.AnyOf("control", "treatment"));
            Assert.That(await manager.IsEnabledAsync("pricing", france, CancellationToken.None), Is.True);
        });

        await File.WriteAllTextAsync(file, TestPayloads.Updated);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await manager.IsEnabledAsync("checkout-v2", france, CancellationToken.None) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // The same provider and manager instances answer from the new payload.
        Assert.That(provider.GetRequiredService<IVariantFeatureManager>(), Is.SameAs(manager));
        Assert.That(provider.GetRequiredService<IFeatureDefinitionProvider>(), Is.SameAs(definitions));
        var button = await manager.GetVariantAsync("button-style", france, CancellationToken.None);
        var fresh = await manager.GetVariantAsync("new-flag", france, CancellationToken.None);
        var names = new List<string>();
        await foreach (var name in manager.GetFeatureNamesAsync(CancellationToken.None))
        {
            names.Add(name);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("checkout-v2", france, CancellationToken.None), Is.True, "the new payload is served");
            Assert.That(await definitions.GetFeatureDefinitionAsync("new-flag"), Is.Not.Null);
            Assert.That((await definitions.GetFeatureDefinitionAsync("button-style")).Variants.Select(v => v.Name), Is.EqualTo(new[] { "default", "nobody", "everyone" }));
            Assert.That(await definitions.GetFeatureDefinitionAsync("pricing"), Is.Null, "a removed feature is gone");
            Assert.That(await manager.IsEnabledAsync("pricing", france, CancellationToken.None), Is.False);
            Assert.That((button.Name, button.Configuration["color"]), Is.EqualTo(("everyone", "red")));
            Assert.That(fresh.Configuration["message"], Is.EqualTo("fresh"));
            Assert.That(names, Does.Contain("new-flag").And.Not.Contain("pricing").And.Contain("DotnetFlag"));
        });
    }

    [Test]
    public async Task AnInvalidRewriteKeepsThePreviousPayload()
    {
        var file = Path.Combine(_directory, "features.json");
        await File.WriteAllTextAsync(file, TestPayloads.Main);
        await using var provider = await BuildFromFileAsync(file);
        var manager = provider.GetRequiredService<IFeatureManager>();
        var client = provider.GetRequiredService<GrowthBookClient>();
        var before = client.Payload;

        await File.WriteAllTextAsync(file, "{ \"features\": { truncated");
        await Task.Delay(1000);
        Assert.Multiple(async () =>
        {
            Assert.That(client.Payload, Is.SameAs(before));
            Assert.That(await manager.IsEnabledAsync("banner-text"), Is.True);
        });
    }

    private static async Task<ServiceProvider> BuildFromFileAsync(string file)
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapFile"] = file });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        return provider;
    }
}
