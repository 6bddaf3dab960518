using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>GetVariantAsync: names from GrowthBook's result, values as configuration, users from targeting contexts.</summary>
[TestFixture]
public sealed class VariantTests
{
    private static readonly GrowthBookPayload Payload = GrowthBookPayload.Parse(TestPayloads.Main);

    private static ValueTask<Variant> VariantAsync(IServiceProvider services, string feature, string userId, params string[] groups)
        => services.GetRequiredService<IVariantFeatureManager>().GetVariantAsync(feature, new TargetingContext { UserId = userId, Groups = groups }, CancellationToken.None);

    [Test]
    public async Task AThousandUsersGetExactlyTheEnginesVariations()
    {
        await using var services = await TestServices.BuildAsync();
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var id = "user-" + i;
            var (expected, result) = TestPayloads.EngineVariant(Payload, experiment, id);
            var variant = await VariantAsync(services, "pricing", id);
            if (variant.Name != expected)
            {
                mismatches.Add($"{id}: {variant.Name} != {expected}");
            }

            // The value is the variation's (or the default's) too.
            var expectedValue = expected == "default" ? "standard" : result.Value.GetString();
            if (variant.Configuration.Value != expectedValue)
            {
                mismatches.Add($"{id}: value {variant.Configuration.Value} != {expectedValue}");
            }

            counts[variant.Name] = counts.GetValueOrDefault(variant.Name) + 1;
        }

        Assert.Multiple(() =>
        {
            Assert.That(mismatches, Is.Empty);
            Assert.That(counts.Keys, Is.EquivalentTo(new[] { "control", "discount", "bundle", "default" }), "every variation, and users outside the 80% coverage");
            Assert.That(counts.Values.Sum(), Is.EqualTo(1000));
        });
    }

    [Test]
    public async Task VariantNamesAgreeWithTheEnginesFeatureEvaluation()
    {
        await using var services = await TestServices.BuildAsync();
        for (var i = 0; i < 200; i++)
        {
            var user = TestPayloads.User("user-" + i);
            using var scope = new GrowthBookScope(Payload, user);
            foreach (var feature in new[] { "button-style", "layout", "pricing" })
            {
                var result = scope.EvalFeature(feature);
                var expected = result.Source == FeatureSource.Experiment ? result.ExperimentResult!.Key : "default";
                Assert.That((await VariantAsync(services, feature, "user-" + i)).Name, Is.EqualTo(expected), $"{feature} user-{i}");
            }
        }
    }

    [Test]
    public async Task AnObjectValueBindsWithConfigurationGet()
    {
        await using var services = await TestServices.BuildAsync();
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        var treated = Enumerable.Range(0, 100).Select(i => "user-" + i).First(id => TestPayloads.EngineVariant(Payload, experiment, id).Name == "treatment");
        var control = Enumerable.Range(0, 100).Select(i => "user-" + i).First(id => TestPayloads.EngineVariant(Payload, experiment, id).Name == "control");

        var treatment = await VariantAsync(services, "button-style", treated);
        var controlVariant = await VariantAsync(services, "button-style", control);
        var options = treatment.Configuration.Get<ButtonOptions>()!;
        Assert.Multiple(() =>
        {
            Assert.That(treatment.Name, Is.EqualTo("treatment"));
            Assert.That((options.Color, options.Size, options.Rounded), Is.EqualTo(("green", 14, true)));
            Assert.That(treatment.Configuration["color"], Is.EqualTo("green"));
            Assert.That(treatment.Configuration.Value, Is.Null, "an object is child sections, not a value");
            Assert.That(controlVariant.Name, Is.EqualTo("control"));
            Assert.That(controlVariant.Configuration.Get<ButtonOptions>()!.Color, Is.EqualTo("blue"));
        });
    }

    [Test]
    public async Task ScalarsAreTheSectionsValue()
    {
        var users = new TestUserAccessor();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var manager = services.GetRequiredService<IVariantFeatureManager>();

        users.Current = TestPayloads.User("p1", ("plan", "premium"), ("country", "US"));
        var premiumItems = await manager.GetVariantAsync("max-items", CancellationToken.None);
        var unnamedForce = await manager.GetVariantAsync("unnamed-force", CancellationToken.None);
        var checkoutOn = await manager.GetVariantAsync("checkout-v2", CancellationToken.None);
        users.Current = TestPayloads.User("f1", ("plan", "free"), ("country", "FR"));
        var freeItems = await manager.GetVariantAsync("max-items", CancellationToken.None);
        var checkoutOff = await manager.GetVariantAsync("checkout-v2", CancellationToken.None);
        var banner = await manager.GetVariantAsync("banner-text", CancellationToken.None);
        var ratio = await manager.GetVariantAsync("ratio", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((premiumItems.Name, premiumItems.Configuration.Value), Is.EqualTo(("fr-premium-items", "50")), "force rule: its id");
            Assert.That(premiumItems.Configuration.Get<int>(), Is.EqualTo(50));
            Assert.That((unnamedForce.Name, unnamedForce.Configuration.Value), Is.EqualTo(("force", "on")), "force rule without an id");
            Assert.That((checkoutOn.Name, checkoutOn.Configuration.Value), Is.EqualTo(("fr-us", "True")));
            Assert.That(checkoutOn.Configuration.Get<bool>(), Is.True);
            Assert.That((freeItems.Name, freeItems.Configuration.Value), Is.EqualTo(("default", "10")));
            Assert.That((checkoutOff.Name, checkoutOff.Configuration.Value), Is.EqualTo(("default", "False")));
            Assert.That((banner.Name, banner.Configuration.Value), Is.EqualTo(("default", "Hello")));
            Assert.That(ratio.Configuration.Get<double>(), Is.EqualTo(0.25));
        });
    }

    [Test]
    public void AnEmptyArrayOrObjectIsNoSectionAtAll_AsInConfiguration()
    {
        using var value = System.Text.Json.JsonDocument.Parse("""{ "tags": [], "extra": {}, "name": "x" }""");
        var section = VariantMapper.Build(value.RootElement);
        using var empty = System.Text.Json.JsonDocument.Parse("[]");
        var whole = VariantMapper.Build(empty.RootElement);
        Assert.Multiple(() =>
        {
            Assert.That(section.GetChildren().Select(c => c.Key), Is.EqualTo(new[] { "name" }), "the empty members are gone");
            Assert.That(section.GetSection("tags").Exists(), Is.False);
            Assert.That(section.GetSection("tags").Get<string[]>(), Is.Null, "binds as null, not as an empty array");
            Assert.That(section.GetSection("extra").Exists(), Is.False);
            Assert.That(whole.Exists(), Is.False);
            Assert.That(whole.Value, Is.Null);
        });
    }

    [Test]
    public async Task ArraysAreIndexedChildrenAndNullIsNoValue()
    {
        await using var services = await TestServices.BuildAsync();
        var menu = await VariantAsync(services, "menu", "u1");
        var nothing = await VariantAsync(services, "nothing", "u1");
        var options = menu.Configuration.Get<MenuOptions>()!;
        Assert.Multiple(async () =>
        {
            Assert.That(options.Title, Is.EqualTo("Menu"));
            Assert.That(options.Items.Select(i => (i.Label, i.Url)), Is.EqualTo(new[] { ("Home", "/"), ("Shop", "/shop") }));
            Assert.That(options.Tags, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(menu.Configuration["items:1:label"], Is.EqualTo("Shop"));
            Assert.That(nothing.Name, Is.EqualTo("default"));
            Assert.That(nothing.Configuration.Value, Is.Null);
            Assert.That(await services.GetRequiredService<IFeatureManager>().IsEnabledAsync("nothing"), Is.False);
        });
    }

    [Test]
    public async Task VariantNamesFollowTheOptions()
    {
        var configuration = TestServices.Configuration(new Dictionary<string, string?>
        {
            ["BootstrapPayload"] = TestPayloads.Main,
            ["DefaultVariantName"] = "Off",
            ["ForceVariantName"] = "Forced",
        });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        var manager = provider.GetRequiredService<IVariantFeatureManager>();
        var defaultVariant = await manager.GetVariantAsync("banner-text", new TargetingContext { UserId = "x" }, CancellationToken.None);
        var definition = await provider.GetRequiredService<IFeatureDefinitionProvider>().GetFeatureDefinitionAsync("unnamed-force");
        Assert.Multiple(() =>
        {
            Assert.That(defaultVariant.Name, Is.EqualTo("Off"));
            Assert.That(definition.Variants.Select(v => v.Name), Is.EqualTo(new[] { "Off", "Forced" }));
        });
    }

    [Test]
    public async Task ATargetingContextMapsUserIdAndGroupsToAttributes()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var beta = await VariantAsync(services, "beta-groups", "u1", "beta", "staff");
        var other = await VariantAsync(services, "beta-groups", "u1", "staff");
        var betaEnabled = await manager.IsEnabledAsync("beta-groups", new TargetingContext { UserId = "u2", Groups = ["beta"] }, CancellationToken.None);
        var noGroups = await manager.IsEnabledAsync("beta-groups", new TargetingContext { UserId = "u2" }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(beta.Name, Is.EqualTo("fr-beta"));
            Assert.That(other.Name, Is.EqualTo("default"));
            Assert.That(betaEnabled, Is.True);
            Assert.That(noGroups, Is.False);
        });
    }

    [Test]
    public async Task ATargetingContextIsLaidOverTheCurrentUsersOtherAttributes()
    {
        var users = new TestUserAccessor { Current = TestPayloads.User("ambient", ("plan", "premium")) };
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<IGrowthBookUserContextAccessor>(users));
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");
        var items = await VariantAsync(services, "max-items", "someone-else");
        var pricing = await VariantAsync(services, "pricing", "user-7");
        Assert.Multiple(() =>
        {
            Assert.That(items.Name, Is.EqualTo("fr-premium-items"), "the current user's plan is kept");
            Assert.That(pricing.Name, Is.EqualTo(TestPayloads.EngineVariant(Payload, experiment, "user-7").Name), "the id is the targeting context's");
        });
    }

    [Test]
    public async Task WithoutAnAccessorMicrosoftsTargetingContextIsTheUser()
    {
        var targeting = new TestTargetingContextAccessor();
        await using var services = await TestServices.BuildAsync(configure: s => s.AddSingleton<ITargetingContextAccessor>(targeting));
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "pricing");

        targeting.Current = new TargetingContext { UserId = "user-42", Groups = ["beta"] };
        var pricing = await manager.GetVariantAsync("pricing", CancellationToken.None);
        var beta = await manager.IsEnabledAsync("beta-groups", CancellationToken.None);
        targeting.Current = new TargetingContext { UserId = "user-43" };
        var notBeta = await manager.IsEnabledAsync("beta-groups", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(pricing.Name, Is.EqualTo(TestPayloads.EngineVariant(Payload, experiment, "user-42").Name));
            Assert.That(beta, Is.True);
            Assert.That(notBeta, Is.False);
        });
    }

    [Test]
    public async Task WithNoUserAtAllEvaluationIsAnonymous()
    {
        await using var services = await TestServices.BuildAsync();
        var manager = services.GetRequiredService<IVariantFeatureManager>();
        var variant = await manager.GetVariantAsync("button-style", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(variant.Name, Is.EqualTo("default"), "no id: the experiment skips the user");
            Assert.That(await manager.IsEnabledAsync("checkout-v2", CancellationToken.None), Is.False);
            Assert.That(await manager.IsEnabledAsync("banner-text", CancellationToken.None), Is.True);
        });
    }
}
