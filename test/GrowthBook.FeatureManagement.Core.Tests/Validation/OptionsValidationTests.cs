using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Validation;

/// <summary>
/// Every rule of the options validated by generated validators, checked where options arrive without DI: each invalid
/// setting makes the constructor throw an <see cref="ArgumentException"/> naming the setting; each boundary value passes.
/// (The same rules at host start are tested in the adapter's OptionsValidationAtStartTests.)
/// </summary>
[TestFixture]
public sealed class OptionsValidationTests
{
    private const string ClientKey = "sdk-validation-secret-key";
    private const string DecryptionKey = "Zm9vYmFyYmF6cXV4cXV1eA==";

    private static GrowthBookClientOptions ValidClientOptions() => new() { ApiHost = "http://127.0.0.1:1", ClientKey = ClientKey, RefreshStrategy = RefreshStrategy.None };

    /// <summary>An invalid client setting, and a word of the member (or members) it names.</summary>
    public static IEnumerable<TestCaseData> InvalidClientOptions()
    {
        TestCaseData Case(string name, Action<GrowthBookClientOptions> change, params string[] members) => new TestCaseData(change, members).SetName("Client_" + name);
        yield return Case("NoClientKeyNorBootstrap", o => o.ClientKey = " ", "ClientKey", "BootstrapPayload", "BootstrapFile");
        yield return Case("ApiHostNotHttp", o => o.ApiHost = "ftp://cdn.example", "ApiHost");
        yield return Case("ApiHostRelative", o => o.ApiHost = "/api", "ApiHost");
        yield return Case("ApiHostNull", o => o.ApiHost = null!, "ApiHost");
        yield return Case("StreamingHostNotAUrl", o => o.StreamingHost = "not a url", "StreamingHost");
        yield return Case("RemoteEvalWithDecryptionKey", o => (o.RemoteEval, o.DecryptionKey) = (true, DecryptionKey), "RemoteEval", "DecryptionKey");
        yield return Case("RemoteEvalWithoutClientKey", o => (o.RemoteEval, o.ClientKey, o.BootstrapPayload) = (true, null, "{}"), "RemoteEval", "ClientKey");
        yield return Case("CacheTtlZero", o => o.CacheTtl = TimeSpan.Zero, "CacheTtl");
        yield return Case("PollingIntervalNegative", o => o.PollingInterval = TimeSpan.FromSeconds(-1), "PollingInterval");
        yield return Case("RequestTimeoutZero", o => o.RequestTimeout = TimeSpan.Zero, "RequestTimeout");
        yield return Case("InitializationTimeoutNegative", o => o.InitializationTimeout = TimeSpan.FromTicks(-1), "InitializationTimeout");
        yield return Case("MaxPayloadBytesZero", o => o.MaxPayloadBytes = 0, "MaxPayloadBytes");
        yield return Case("TrackingDedupeCapacityZero", o => o.TrackingDedupeCapacity = 0, "TrackingDedupeCapacity");
        yield return Case("StickyBucketTimeoutZero", o => o.StickyBucketTimeout = TimeSpan.Zero, "StickyBucketTimeout");
        yield return Case("StoreBreakDurationTooShort", o => o.StoreBreakDuration = TimeSpan.FromMilliseconds(499), "StoreBreakDuration");
        yield return Case("StoreBreakDurationTooLong", o => o.StoreBreakDuration = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1), "StoreBreakDuration");
        yield return Case("SecureAttributesWithoutSalt", o => o.SecureAttributes = ["email"], "SecureAttributes", "SecureAttributeSalt");
    }

    /// <summary>Valid settings at the edges of the rules.</summary>
    public static IEnumerable<TestCaseData> ValidClientOptionsAtTheEdges()
    {
        TestCaseData Case(string name, Action<GrowthBookClientOptions> change) => new TestCaseData(change).SetName("Client_" + name);
        yield return Case("Defaults", _ => { });
        yield return Case("BootstrapPayloadWithoutClientKey", o => (o.ClientKey, o.BootstrapPayload) = (null, "{}"));
        yield return Case("BootstrapFileWithoutClientKey", o => (o.ClientKey, o.BootstrapFile) = (null, "features.json"));
        yield return Case("HttpsStreamingHost", o => o.StreamingHost = "https://stream.example");
        yield return Case("InitializationTimeoutZero", o => o.InitializationTimeout = TimeSpan.Zero);
        yield return Case("StoreBreakDurationHalfASecond", o => o.StoreBreakDuration = TimeSpan.FromMilliseconds(500));
        yield return Case("StoreBreakDurationOneDay", o => o.StoreBreakDuration = TimeSpan.FromDays(1));
        yield return Case("OneTickTimeouts", o => (o.CacheTtl, o.PollingInterval, o.RequestTimeout, o.StickyBucketTimeout) = (TimeSpan.FromTicks(1), TimeSpan.FromTicks(1), TimeSpan.FromTicks(1), TimeSpan.FromTicks(1)));
        yield return Case("SecureAttributesWithSalt", o => (o.SecureAttributes, o.SecureAttributeSalt) = (["email"], "salt"));
        yield return Case("RemoteEvalWithClientKey", o => o.RemoteEval = true);
    }

    [TestCaseSource(nameof(InvalidClientOptions))]
    public void AnInvalidClientSetting_FailsTheConstructor_NamingIt(Action<GrowthBookClientOptions> change, string[] members)
    {
        var options = ValidClientOptions();
        change(options);

        var error = Assert.Throws<ArgumentException>(() => _ = new GrowthBookClient(options))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("options"));
            foreach (var member in members)
            {
                Assert.That(error.Message, Does.Contain(member));
                Assert.That(options.Validate(), Has.Some.Contains(member), "the public Validate() reports the same problem");
                Assert.That(new GrowthBookClientOptionsValidator().Validate(null, options).Failures, Has.Some.Contains(member), "and so does the validator DI registers");
            }

            Assert.That(error.Message, Does.Not.Contain(ClientKey).And.Not.Contain(DecryptionKey));
        });
    }

    [TestCaseSource(nameof(ValidClientOptionsAtTheEdges))]
    public void AValidClientSetting_Passes(Action<GrowthBookClientOptions> change)
    {
        var options = ValidClientOptions();
        change(options);

        Assert.Multiple(() =>
        {
            Assert.That(options.Validate(), Is.Empty);
            Assert.That(new GrowthBookClientOptionsValidator().Validate(null, options).Succeeded, Is.True);
        });
        using var client = new GrowthBookClient(options);
    }

    [Test]
    public void EveryProblemIsListed_AndNoKeyOrOtherValueIsRepeated()
    {
        var options = new GrowthBookClientOptions
        {
            ApiHost = "ftp://" + ClientKey,
            StreamingHost = "not a url " + DecryptionKey,
            DecryptionKey = DecryptionKey,
            SecureAttributeSalt = null,
            SecureAttributes = [ClientKey],
            RemoteEval = true,
            CacheTtl = TimeSpan.Zero,
        };

        var problems = options.Validate();
        var error = Assert.Throws<ArgumentException>(() => _ = new GrowthBookClient(options))!;
        Assert.Multiple(() =>
        {
            Assert.That(problems, Has.Count.EqualTo(7), string.Join(Environment.NewLine, problems));
            foreach (var member in new[] { "ClientKey", "ApiHost", "StreamingHost", "RemoteEval", "CacheTtl", "SecureAttributeSalt" })
            {
                Assert.That(error.Message, Does.Contain(member));
            }

            Assert.That(error.Message, Does.Not.Contain(ClientKey).And.Not.Contain(DecryptionKey));
        });
    }

    public static IEnumerable<TestCaseData> InvalidTrackingOptions()
    {
        TestCaseData Case(string name, Action<TrackingPluginOptions> change, string member) => new TestCaseData(change, member).SetName("Tracking_" + name);
        yield return Case("BatchSizeZero", o => o.BatchSize = 0, "BatchSize");
        yield return Case("QueueCapacityZero", o => o.QueueCapacity = 0, "QueueCapacity");
        yield return Case("MaxRetriesNegative", o => o.MaxRetries = -1, "MaxRetries");
        yield return Case("FlushIntervalZero", o => o.FlushInterval = TimeSpan.Zero, "FlushInterval");
        yield return Case("RetryBaseDelayNegative", o => o.RetryBaseDelay = TimeSpan.FromTicks(-1), "RetryBaseDelay");
        yield return Case("MaxRetryDelayNegative", o => o.MaxRetryDelay = TimeSpan.FromTicks(-1), "MaxRetryDelay");
        yield return Case("ShutdownTimeoutNegative", o => o.ShutdownTimeout = TimeSpan.FromTicks(-1), "ShutdownTimeout");
    }

    [TestCaseSource(nameof(InvalidTrackingOptions))]
    public void AnInvalidBatchingSetting_FailsThePluginsConstructor_NamingIt(Action<TrackingPluginOptions> change, string member)
    {
        var options = new TrackingPluginOptions();
        change(options);
        var ingestor = new GrowthBookIngestorOptions { ClientKey = ClientKey };
        change(ingestor);

        Assert.Multiple(() =>
        {
            Assert.That(() => new CallbackTrackingPlugin((_, _) => ValueTask.CompletedTask, options), Throws.ArgumentException.With.Message.Contains(member));
            Assert.That(() => new GrowthBookIngestorPlugin(ingestor), Throws.ArgumentException.With.Message.Contains(member).And.Message.Not.Contain(ClientKey));
            Assert.That(new GrowthBookIngestorOptionsValidator().Validate(null, ingestor).Failures, Has.Some.Contains(member), "the validator DI registers checks the batching settings too");
        });
    }

    [Test]
    public async Task BatchingSettingsAtTheEdges_Pass()
    {
        var options = new TrackingPluginOptions { BatchSize = 1, QueueCapacity = 1, MaxRetries = 0, FlushInterval = TimeSpan.FromTicks(1), RetryBaseDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero, ShutdownTimeout = TimeSpan.Zero };
        await using var plugin = new CallbackTrackingPlugin((_, _) => ValueTask.CompletedTask, options);
        Assert.That(plugin.Options, Is.SameAs(options));
    }

    public static IEnumerable<TestCaseData> InvalidIngestorOptions()
    {
        TestCaseData Case(string name, Action<GrowthBookIngestorOptions> change, string member) => new TestCaseData(change, member).SetName("Ingestor_" + name);
        yield return Case("NoClientKey", o => o.ClientKey = null, "ClientKey");
        yield return Case("BlankClientKey", o => o.ClientKey = "  ", "ClientKey");
        yield return Case("IngestorHostNotHttp", o => o.IngestorHost = "ftp://ingest.example", "IngestorHost");
        yield return Case("IngestorHostNull", o => o.IngestorHost = null!, "IngestorHost");
        yield return Case("RequestTimeoutZero", o => o.RequestTimeout = TimeSpan.Zero, "RequestTimeout");
    }

    [TestCaseSource(nameof(InvalidIngestorOptions))]
    public void AnInvalidIngestorSetting_FailsItsConstructor_NamingIt(Action<GrowthBookIngestorOptions> change, string member)
    {
        var options = new GrowthBookIngestorOptions { ClientKey = ClientKey };
        change(options);
        Assert.That(() => new GrowthBookIngestorPlugin(options), Throws.ArgumentException.With.Message.Contains(member).And.Message.Not.Contain(ClientKey));
    }

    [Test]
    public async Task AValidIngestorSetting_Passes()
    {
        var options = new GrowthBookIngestorOptions { ClientKey = ClientKey, IngestorHost = "http://127.0.0.1:1", RequestTimeout = TimeSpan.FromTicks(1) };
        Assert.That(new GrowthBookIngestorOptionsValidator().Validate(null, options).Succeeded, Is.True);
        await using var plugin = new GrowthBookIngestorPlugin(options);
    }

    public static IEnumerable<TestCaseData> InvalidStickyBucketStoreOptions()
    {
        TestCaseData Case(string name, Action<StickyBucketStoreOptions> change, string member) => new TestCaseData(change, member).SetName("StickyStore_" + name);
        yield return Case("KeyPrefixNull", o => o.KeyPrefix = null!, "KeyPrefix");
        yield return Case("TimeToLiveZero", o => o.TimeToLive = TimeSpan.Zero, "TimeToLive");
        yield return Case("TimeToLiveNegative", o => o.TimeToLive = TimeSpan.FromDays(-1), "TimeToLive");
    }

    [TestCaseSource(nameof(InvalidStickyBucketStoreOptions))]
    public void AnInvalidStickyBucketStoreSetting_FailsTheStoresConstructors_NamingIt(Action<StickyBucketStoreOptions> change, string member)
    {
        var options = new StickyBucketStoreOptions();
        change(options);
        using var redis = StackExchange.Redis.ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=1");

        Assert.Multiple(() =>
        {
            Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains(member));
            Assert.That(() => new DistributedCacheStickyBucketService(NewCache(), options), Throws.ArgumentException.With.Message.Contains(member));
            Assert.That(() => new RedisStickyBucketService(redis, options), Throws.ArgumentException.With.Message.Contains(member));
        });
    }

    [Test]
    public void StickyBucketStoreSettingsAtTheEdges_Pass()
    {
        foreach (var options in new[] { new StickyBucketStoreOptions(), new StickyBucketStoreOptions { KeyPrefix = "", TimeToLive = TimeSpan.FromTicks(1) } })
        {
            Assert.That(options.Validate, Throws.Nothing);
            Assert.That(() => new DistributedCacheStickyBucketService(NewCache(), options), Throws.Nothing);
        }
    }

    private static MemoryDistributedCache NewCache() => new(Options.Create(new MemoryDistributedCacheOptions()));
}
