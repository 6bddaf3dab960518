using GrowthBook.FeatureManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis sticky-bucket store.</summary>
public static class GrowthBookRedisStickyBucketingExtensions
{
    /// <summary>
    /// Keeps sticky buckets in Redis (<see cref="RedisStickyBucketService"/>) over the registered
    /// <see cref="IConnectionMultiplexer"/>, replacing any other <see cref="IStickyBucketService"/>. <c>AddGrowthBook</c>'s
    /// client picks it up, in either order of the calls.
    /// </summary>
    /// <example><code>services.AddSingleton&lt;IConnectionMultiplexer&gt;(await ConnectionMultiplexer.ConnectAsync("localhost"));
    /// services.AddGrowthBookRedisStickyBucketing(o => o.TimeToLive = TimeSpan.FromDays(90));</code></example>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static IServiceCollection AddGrowthBookRedisStickyBucketing(this IServiceCollection services, Action<StickyBucketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new StickyBucketStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        services.RemoveAll<IStickyBucketService>();
        services.AddSingleton<IStickyBucketService>(sp => new RedisStickyBucketService(sp.GetRequiredService<IConnectionMultiplexer>(), options));
        return services;
    }
}
