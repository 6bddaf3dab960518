using GrowthBook.FeatureManagement;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the cookie sticky-bucket store.</summary>
public static class GrowthBookCookieStickyBucketingExtensions
{
    /// <summary>
    /// Keeps anonymous visitors' sticky buckets in a cookie (<see cref="CookieStickyBucketService"/>), replacing any other
    /// <see cref="IStickyBucketService"/>. <c>AddGrowthBook</c>'s client picks it up, in either order of the calls.
    /// </summary>
    /// <example><code>services.AddFeatureManagement().AddGrowthBook(config.GetSection("GrowthBook"));
    /// services.AddGrowthBookCookieStickyBucketing(o => o.CookieName = "ab");</code></example>
    public static IServiceCollection AddGrowthBookCookieStickyBucketing(this IServiceCollection services, Action<CookieStickyBucketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpContextAccessor();
        var options = services.AddOptions<CookieStickyBucketOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<IStickyBucketService>();
        services.AddSingleton<IStickyBucketService, CookieStickyBucketService>();
        return services;
    }
}
