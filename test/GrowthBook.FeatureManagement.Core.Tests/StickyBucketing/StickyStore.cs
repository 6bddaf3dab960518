namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>The sticky-bucket stores the tests run against.</summary>
public enum StickyStore
{
    /// <summary><see cref="InMemoryStickyBucketService"/>.</summary>
    InMemory,

    /// <summary><see cref="DistributedCacheStickyBucketService"/> over a real Redis, through Microsoft.Extensions.Caching.StackExchangeRedis.</summary>
    DistributedCacheOverRedis,

    /// <summary><see cref="RedisStickyBucketService"/> over a real Redis.</summary>
    Redis,

    /// <summary><see cref="AspNetCore.CookieStickyBucketService"/>, documents carried from request to request in its cookie.</summary>
    Cookie,
}
