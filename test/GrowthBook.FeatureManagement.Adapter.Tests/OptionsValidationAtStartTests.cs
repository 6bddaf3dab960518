using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>
/// Every rule of the options that come from DI, checked when the host starts (ValidateOnStart with the generated
/// validators): a bad setting stops the start with an <see cref="OptionsValidationException"/> naming the setting; the
/// edges pass. (The same rules on direct construction are tested in Core's OptionsValidationTests.)
/// </summary>
[TestFixture]
public sealed class OptionsValidationAtStartTests
{
    private const string ClientKey = "sdk-start-secret-key";

    private static IHost BuildHost(Dictionary<string, string?> settings, Action<IGrowthBookBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        var growthBook = new Dictionary<string, string?>
        {
            ["GrowthBook:BootstrapPayload"] = TestPayloads.Main,
            ["GrowthBook:ApiHost"] = "http://127.0.0.1:1",
            ["GrowthBook:RefreshStrategy"] = "None",
        };
        foreach (var (key, value) in settings)
        {
            growthBook[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(growthBook);
        var added = builder.Services.AddFeatureManagement().AddGrowthBook(builder.Configuration.GetSection("GrowthBook"));
        configure?.Invoke(added);
        return builder.Build();
    }

    public static IEnumerable<TestCaseData> InvalidClientSettings()
    {
        TestCaseData Case(string setting, string? value, string member, params (string, string?)[] more)
            => new TestCaseData(new Dictionary<string, string?>(more.Select(m => KeyValuePair.Create(m.Item1, m.Item2))) { ["GrowthBook:" + setting] = value }, member)
                .SetName($"Client_{setting}_{value ?? "null"}");
        yield return Case("BootstrapPayload", "", "ClientKey");
        yield return Case("ApiHost", "ftp://cdn.example", "ApiHost");
        yield return Case("StreamingHost", "not a url", "StreamingHost");
        yield return Case("CacheTtl", "00:00:00", "CacheTtl");
        yield return Case("PollingInterval", "-00:00:01", "PollingInterval");
        yield return Case("RequestTimeout", "00:00:00", "RequestTimeout");
        yield return Case("InitializationTimeout", "-00:00:01", "InitializationTimeout");
        yield return Case("MaxPayloadBytes", "0", "MaxPayloadBytes");
        yield return Case("TrackingDedupeCapacity", "0", "TrackingDedupeCapacity");
        yield return Case("StickyBucketTimeout", "00:00:00", "StickyBucketTimeout");
        yield return Case("StoreBreakDuration", "00:00:00.4990000", "StoreBreakDuration");
        yield return Case("StoreBreakDuration", "1.00:00:01", "StoreBreakDuration");
        yield return Case("SecureAttributes:0", "email", "SecureAttributeSalt");
        yield return Case("RemoteEval", "true", "RemoteEval", ("GrowthBook:ClientKey", ClientKey));
    }

    [TestCaseSource(nameof(InvalidClientSettings))]
    public void AnInvalidClientSetting_StopsTheStart_NamingIt(Dictionary<string, string?> settings, string member)
    {
        using var host = BuildHost(settings);
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(error.OptionsType, Is.EqualTo(typeof(GrowthBookClientOptions)));
            Assert.That(error.Failures, Has.Some.Contains(member));
            Assert.That(error.Message, Does.Not.Contain(ClientKey));
        });
    }

    [Test]
    public async Task ValidClientSettingsAtTheEdges_Start()
    {
        using var host = BuildHost(new()
        {
            ["GrowthBook:InitializationTimeout"] = "00:00:00",
            ["GrowthBook:StoreBreakDuration"] = "00:00:00.5000000",
            ["GrowthBook:CacheTtl"] = "00:00:00.0000001",
            ["GrowthBook:StreamingHost"] = "https://stream.example",
            ["GrowthBook:SecureAttributes:0"] = "email",
            ["GrowthBook:SecureAttributeSalt"] = "salt",
        });
        await host.StartAsync();
        Assert.That(host.Services.GetRequiredService<GrowthBookClient>().PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
        await host.StopAsync();
    }

    public static IEnumerable<TestCaseData> InvalidIngestorSettings()
    {
        TestCaseData Case(string name, Action<GrowthBookIngestorOptions> change, string member) => new TestCaseData(change, member).SetName("Ingestor_" + name);
        yield return Case("NoClientKeyAnywhere", _ => { }, "ClientKey");
        yield return Case("IngestorHostNotHttp", o => (o.ClientKey, o.IngestorHost) = ("sdk-ingest", "ftp://ingest.example"), "IngestorHost");
        yield return Case("RequestTimeoutZero", o => (o.ClientKey, o.RequestTimeout) = ("sdk-ingest", TimeSpan.Zero), "RequestTimeout");
        yield return Case("BatchSizeZero", o => (o.ClientKey, o.BatchSize) = ("sdk-ingest", 0), "BatchSize");
        yield return Case("MaxRetriesNegative", o => (o.ClientKey, o.MaxRetries) = ("sdk-ingest", -1), "MaxRetries");
    }

    [TestCaseSource(nameof(InvalidIngestorSettings))]
    public void AnInvalidIngestorSetting_StopsTheStart_NamingIt(Action<GrowthBookIngestorOptions> change, string member)
    {
        using var host = BuildHost([], gb => gb.AddIngestor(change)); // bootstrap only: the client has no key to lend
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(error.OptionsType, Is.EqualTo(typeof(GrowthBookIngestorOptions)));
            Assert.That(error.Failures, Has.Some.Contains(member));
            Assert.That(error.Message, Does.Not.Contain("sdk-ingest"));
        });
    }

    [Test]
    public async Task TheIngestorTakesTheClientsKey_AndStarts()
    {
        using var host = BuildHost(new() { ["GrowthBook:ClientKey"] = ClientKey, ["GrowthBook:InitializationTimeout"] = "00:00:00" }, gb => gb.AddIngestor());
        await host.StartAsync();
        Assert.Multiple(() =>
        {
            Assert.That(host.Services.GetRequiredService<IOptions<GrowthBookIngestorOptions>>().Value.ClientKey, Is.EqualTo(ClientKey));
            Assert.That(host.Services.GetServices<ITrackingPlugin>().OfType<GrowthBookIngestorPlugin>().Count(), Is.EqualTo(1));
        });
        await host.StopAsync();
    }

    [Test]
    public void AnInvalidStickyBucketStoreSetting_FailsTheRegistration_NamingIt()
    {
        var growthBook = new ServiceCollection().AddFeatureManagement().AddGrowthBook(o => o.BootstrapPayload = TestPayloads.Main);
        Assert.Multiple(() =>
        {
            Assert.That(() => growthBook.WithDistributedCacheStickyBucketing(o => o.TimeToLive = TimeSpan.Zero), Throws.ArgumentException.With.Message.Contains("TimeToLive"));
            Assert.That(() => growthBook.WithDistributedCacheStickyBucketing(o => o.KeyPrefix = null!), Throws.ArgumentException.With.Message.Contains("KeyPrefix"));
            Assert.That(() => growthBook.WithDistributedCacheStickyBucketing(o => o.KeyPrefix = ""), Throws.Nothing);
        });
    }
}
