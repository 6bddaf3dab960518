using GrowthBook.FeatureManagement;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>ASP.NET Core registrations for GrowthBook.</summary>
public static class GrowthBookAspNetCoreExtensions
{
    /// <summary>
    /// Reads GrowthBook attributes from the current request (registered automatically by <c>AddGrowthBook</c> when this
    /// package is referenced; call this to configure it).
    /// </summary>
    public static IServiceCollection AddGrowthBookHttpContext(this IServiceCollection services, Action<GrowthBookHttpContextOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpContextAccessor();
        var options = services.AddOptions<GrowthBookHttpContextOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<IGrowthBookUserContextAccessor>();
        services.AddSingleton<IGrowthBookUserContextAccessor, HttpContextUserContextAccessor>();
        return services;
    }

    /// <summary>Adds the GrowthBook health check (name <c>growthbook</c> by default).</summary>
    public static IHealthChecksBuilder AddGrowthBook(this IHealthChecksBuilder builder, string name = "growthbook", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new GrowthBookHealthCheck(sp.GetRequiredService<GrowthBookClient>(), sp.GetService<TimeProvider>()),
            failureStatus,
            tags));
    }

    // Called by AddGrowthBook (through GrowthBookAspNetCoreIntegration) so the one-line setup reads HttpContext.
    internal static void RegisterDefaults(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IGrowthBookUserContextAccessor)))
        {
            services.AddGrowthBookHttpContext();
        }
    }
}
