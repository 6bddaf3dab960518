using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// Makes sticky-bucket stores of one kind that share their data, as app instances sharing a Redis do: each
/// <see cref="NewInstanceAsync"/> opens its own connection (a new or restarted instance). Keys are under a prefix no
/// other test uses. Disposing closes the connections.
/// </summary>
internal sealed class StickyStores(StickyStore kind) : IAsyncDisposable
{
    private readonly InMemoryStickyBucketService _memory = new();
    private CookieRoundTripStore? _cookie;
    private readonly List<IDisposable> _owned = [];

    /// <summary>The key prefix of every document these stores keep in Redis.</summary>
    public string KeyPrefix { get; } = TestRedis.NewPrefix() + StickyBucketStoreOptions.DefaultKeyPrefix;

    public async Task<IStickyBucketService> NewInstanceAsync()
    {
        switch (kind)
        {
            case StickyStore.InMemory:
                return _memory;
            case StickyStore.DistributedCacheOverRedis:
                var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = await TestRedis.RequireAsync() }));
                _owned.Add(cache);
                return new DistributedCacheStickyBucketService(cache, new StickyBucketStoreOptions { KeyPrefix = KeyPrefix });
            case StickyStore.Redis:
                var connection = await ConnectionMultiplexer.ConnectAsync(await TestRedis.RequireAsync());
                _owned.Add(connection);
                return new RedisStickyBucketService(connection, new StickyBucketStoreOptions { KeyPrefix = KeyPrefix });
            case StickyStore.Cookie:
                return _cookie ??= new CookieRoundTripStore(); // one browser: its cookie is the store
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        if (kind is StickyStore.DistributedCacheOverRedis or StickyStore.Redis)
        {
            await TestRedis.DeleteKeysAsync(KeyPrefix);
        }
    }
}
