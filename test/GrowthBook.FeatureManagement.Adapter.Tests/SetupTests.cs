using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>The one-line setup, the options delegate overload, and validation when the host starts.</summary>
[TestFixture]
public sealed class SetupTests
{
    private static IHost BuildHost(Dictionary<string, string?> settings, Action<IHostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        configure(builder);
        return builder.Build();
    }

    [Test]
    public async Task TheOneLineSetupBindsTheSectionAndInitialisesWhenTheHostStarts()
    {
        var settings = new Dictionary<string, string?>
        {
            ["GrowthBook:BootstrapPayload"] = TestPayloads.Main,
            ["GrowthBook:CacheTtl"] = "00:02:00",
            ["GrowthBook:Precedence"] = "Configuration",
            ["GrowthBook:DefaultVariantName"] = "baseline",
        };
        using var host = BuildHost(settings, b => b.Services.AddFeatureManagement().AddGrowthBook(b.Configuration.GetSection("GrowthBook")));
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<GrowthBookClient>();
            var manager = host.Services.GetRequiredService<IVariantFeatureManager>();
            Assert.Multiple(async () =>
            {
                Assert.That(client.IsInitialized, Is.True, "initialised by the hosted service");
                Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
                Assert.That(host.Services.GetRequiredService<IOptions<GrowthBookClientOptions>>().Value.CacheTtl, Is.EqualTo(TimeSpan.FromMinutes(2)));
                Assert.That(host.Services.GetRequiredService<IOptions<GrowthBookFeatureManagementOptions>>().Value.Precedence, Is.EqualTo(FeaturePrecedence.Configuration));
                Assert.That((await manager.GetVariantAsync("banner-text", CancellationToken.None)).Name, Is.EqualTo("baseline"));
            });
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public void NeitherClientKeyNorBootstrapFailsTheStartSayingWhatToSet()
    {
        using var host = BuildHost([], b => b.Services.AddFeatureManagement().AddGrowthBook(b.Configuration.GetSection("GrowthBook")));
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Multiple(() =>
        {
            Assert.That(error!.OptionsType, Is.EqualTo(typeof(GrowthBookClientOptions)));
            Assert.That(error.Message, Does.Contain("GrowthBook:ClientKey"));
            Assert.That(error.Message, Does.Contain("BootstrapPayload"));
            Assert.That(error.Message, Does.Contain("BootstrapFile"));
        });
    }

    [Test]
    public void EveryProblemIsReportedAtStart()
    {
        var settings = new Dictionary<string, string?> { ["GrowthBook:ClientKey"] = "sdk-abc", ["GrowthBook:ApiHost"] = "not a url", ["GrowthBook:CacheTtl"] = "-00:00:01" };
        using var host = BuildHost(settings, b => b.Services.AddFeatureManagement().AddGrowthBook(b.Configuration.GetSection("GrowthBook")));
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Multiple(() =>
        {
            Assert.That(error!.Failures, Has.Some.Contains("ApiHost"));
            Assert.That(error.Failures, Has.Some.Contains("CacheTtl"));
            Assert.That(error.Message, Does.Not.Contain("sdk-abc"), "the client key is not repeated in errors");
        });
    }

    [Test]
    public async Task TheDelegateOverloadSetsBothOptions()
    {
        using var host = BuildHost([], b => b.Services.AddFeatureManagement().AddGrowthBook(
            o => o.BootstrapPayload = TestPayloads.Main,
            fm => fm.Precedence = FeaturePrecedence.Configuration));
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<IFeatureManager>();
            Assert.Multiple(async () =>
            {
                Assert.That(host.Services.GetRequiredService<GrowthBookClient>().PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
                Assert.That(await manager.IsEnabledAsync("banner-text"), Is.True);
                Assert.That(host.Services.GetRequiredService<IOptions<GrowthBookFeatureManagementOptions>>().Value.Precedence, Is.EqualTo(FeaturePrecedence.Configuration));
            });
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public void TheDelegateOverloadIsValidatedAtStartToo()
    {
        using var host = BuildHost([], b => b.Services.AddFeatureManagement().AddGrowthBook(o => o.CacheTtl = TimeSpan.FromSeconds(5)));
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Message, Does.Contain("GrowthBook:ClientKey"));
    }

    [Test]
    public void AddGrowthBookNeedsAFeatureManagementBuilder()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => GrowthBookFeatureManagementBuilderExtensions.AddGrowthBook(null!, new ConfigurationBuilder().Build()));
            Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddFeatureManagement().AddGrowthBook((IConfiguration)null!));
            Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddFeatureManagement().AddGrowthBook((Action<GrowthBookClientOptions>)null!));
        });
    }
}
