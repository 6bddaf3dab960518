using GrowthBook.FeatureManagement;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis sticky-bucket store.</summary>
public static class GrowthBookRedisStickyBucketingExtensions
{
    /// <summary>
    /// Keeps sticky buckets in Redis (<see cref="RedisStickyBucketService"/>) over the registered
    /// <see cref="IConnectionMultiplexer"/>. As for any service, the last <see cref="IStickyBucketService"/> registered is the one used.
    /// </summary>
    /// <example><code>services.AddSingleton&lt;IConnectionMultiplexer&gt;(await ConnectionMultiplexer.ConnectAsync("localhost"));
    /// services.AddFeatureManagement().AddGrowthBook(config.GetSection("GrowthBook")).WithRedisStickyBucketing(o => o.TimeToLive = TimeSpan.FromDays(90));</code></example>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static IGrowthBookBuilder WithRedisStickyBucketing(this IGrowthBookBuilder builder, Action<StickyBucketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new StickyBucketStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.AddSingleton<IStickyBucketService>(sp => new RedisStickyBucketService(sp.GetRequiredService<IConnectionMultiplexer>(), options));
        return builder;
    }
}
