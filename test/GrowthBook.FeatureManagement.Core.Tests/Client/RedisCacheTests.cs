using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// A real Redis (<c>GROWTHBOOK_TEST_REDIS=host:port</c>) as the shared feature cache, through
/// <see cref="DistributedFeatureCache"/> over <see cref="RedisCache"/>: last known good across restarts, sharing
/// between instances.
/// </summary>
[TestFixture]
public sealed class RedisCacheTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));

    private string _address = null!;
    private string _instance = null!;
    private readonly List<RedisCache> _caches = [];

    // Per test, not per fixture: NUnit runs a fixture's one-time setup even when a filter (Category=Spec) selects none
    // of its tests, and a machine without Redis must still run the other categories.
    [SetUp]
    public async Task RequireRedis() => _address = await TestRedis.RequireAsync();

    [SetUp]
    public void NewInstanceName() => _instance = $"growthbook-tests:{Guid.NewGuid():N}:";

    [TearDown]
    public void DisposeCaches()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }

        _caches.Clear();
    }

    /// <summary>A new connection to Redis, as a new app instance (or a restarted one) would open.</summary>
    private RedisCache NewRedis()
    {
        var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = _address, InstanceName = _instance }));
        _caches.Add(cache);
        return cache;
    }

    [Test]
    public async Task ApiDownAtStart_ServesTheLastKnownGoodPayloadFromRedis()
    {
        var key = NewDecryptionKey();
        var server = await StartServerAsync(TestPayloads.EncryptedFlags(key, "2024-01-01T00:00:00Z", ("color", "blue")));
        var options = OptionsFor(server);
        options.DecryptionKey = key;
        options.RefreshStrategy = RefreshStrategy.None;
        options.LastKnownGoodRetention = TimeSpan.FromMinutes(5);
        var time = NewClock();

        // A first instance fetches and stores the payload.
        var keys = new RecordingFeatureCache(new DistributedFeatureCache(NewRedis()));
        var first = CreateClient(options, keys, time: time);
        Assert.That((await first.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));
        await DisposeAndAssertStoppedAsync(first, server);

        // Stored as the API sent it: still encrypted.
        var stored = await new DistributedFeatureCache(NewRedis()).GetAsync(keys.Keys.Single());
        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.PayloadJson, Does.Contain("encryptedFeatures").And.Not.Contain("blue"));
            Assert.That(stored.ETag, Is.EqualTo(server.ETag));
        });

        // The API goes down; the cached entry goes stale; the app restarts.
        await server.DisposeAsync();
        time.Advance(options.CacheTtl);
        var restarted = CreateClient(options, new DistributedFeatureCache(NewRedis()), time: time);
        var result = await restarted.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Cache));
            Assert.That(result.Success, Is.True);
            Assert.That(result.Error, Is.InstanceOf<HttpRequestException>(), "the API was tried first (the entry was stale) and was down");
            Assert.That(restarted.PayloadSource, Is.EqualTo(PayloadSource.Cache));
            Assert.That(Value(restarted, "color"), Is.EqualTo("blue"), "the last known good payload, decrypted");
            Assert.That(Logs.WithEventId(102), Has.Count.EqualTo(1), "the failed request is logged once");
            Assert.That(Logs.WithEventId(107), Is.Empty, "the cache itself worked");
        });
        await restarted.DisposeAsync();
    }

    [Test]
    public async Task AFreshEntry_IsSharedWithAnotherInstance_WithoutAFetch_AndItsETagIsReused()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        options.LastKnownGoodRetention = TimeSpan.FromMinutes(5);
        var a = CreateClient(options, new DistributedFeatureCache(NewRedis()));
        Assert.That((await a.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));

        var b = CreateClient(options, new DistributedFeatureCache(NewRedis()));
        var result = await b.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Cache));
            Assert.That(b.PayloadSource, Is.EqualTo(PayloadSource.Cache));
            Assert.That(Value(b, "color"), Is.EqualTo("blue"));
            Assert.That(server.FeatureRequests, Is.EqualTo(1), "the second instance starts from Redis without asking the API");
        });

        Assert.That(await b.RefreshAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(server.LastIfNoneMatch, Is.EqualTo(server.ETag), "the ETag stored by the first instance is sent");
            Assert.That(server.NotModifiedResponses, Is.EqualTo(1));
            Assert.That(Value(b, "color"), Is.EqualTo("blue"));
            Assert.That(Logs.AtLeast(LogLevel.Warning), Is.Empty, string.Join(" / ", Logs.AtLeast(LogLevel.Warning)));
        });

        await DisposeAndAssertStoppedAsync(a, server);
        await DisposeAndAssertStoppedAsync(b, server);
    }

    /// <summary>Passes through to a feature cache and remembers the keys written.</summary>
    private sealed class RecordingFeatureCache(IFeatureCache inner) : IFeatureCache
    {
        private readonly ConcurrentDictionary<string, bool> _keys = new();

        public IReadOnlyCollection<string> Keys => [.. _keys.Keys];

        public ValueTask<CachedFeatures?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(string key, CachedFeatures value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
        {
            _keys[key] = true;
            return inner.SetAsync(key, value, timeToLive, cancellationToken);
        }
    }
}
