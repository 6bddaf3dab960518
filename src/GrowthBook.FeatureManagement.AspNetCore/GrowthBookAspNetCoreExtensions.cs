using GrowthBook.FeatureManagement;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>ASP.NET Core registrations for GrowthBook.</summary>
public static class GrowthBookAspNetCoreExtensions
{
    /// <summary>
    /// Reads the user of each evaluation from the current request (<see cref="HttpContextUserContextAccessor"/>): the
    /// signed-in user's id or a protected anonymous id cookie, the URL, device and UTM attributes, mapped claims. It is
    /// the default: an <see cref="IGrowthBookUserContextAccessor"/> the app registers itself wins, before or after this
    /// call (it can take <see cref="HttpContextUserContextAccessor"/> as a dependency to build on it). Also registers
    /// Data Protection (for the cookie) and, once at start-up, warns when any Host header is accepted (docs/security.md).
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="configure">What to read from the request.</param>
    /// <example><code>builder.Services.AddFeatureManagement().AddGrowthBook(builder.Configuration.GetSection("GrowthBook")).WithHttpContext();</code></example>
    public static IGrowthBookBuilder WithHttpContext(this IGrowthBookBuilder builder, Action<GrowthBookHttpContextOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = AddRequestOptions(services, configure);

        // Querystring overrides: unless the app chose, only in Development.
        options.PostConfigure<IServiceProvider>((o, sp) => o.AllowQueryStringOverrides ??= sp.GetService<IHostEnvironment>()?.IsDevelopment() == true);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookHttpContextOptions>, GrowthBookHttpContextOptionsValidator>());
        services.TryAddSingleton<HttpContextUserContextAccessor>();
        services.TryAddSingleton<IGrowthBookUserContextAccessor>(sp => sp.GetRequiredService<HttpContextUserContextAccessor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GrowthBookHostFilteringCheck>());
        return builder;
    }

    /// <summary>
    /// Keeps anonymous visitors' sticky buckets in a cookie (<see cref="CookieStickyBucketService"/>), protected with
    /// Data Protection unless <see cref="CookieStickyBucketOptions.Protect"/> is turned off.
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="configure">The cookie's settings.</param>
    /// <example><code>.WithCookieStickyBucketing(o => o.CookieName = "ab")</code></example>
    public static IGrowthBookBuilder WithCookieStickyBucketing(this IGrowthBookBuilder builder, Action<CookieStickyBucketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = AddRequestOptions(services, configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CookieStickyBucketOptions>, CookieStickyBucketOptionsValidator>());
        services.TryAddSingleton<CookieStickyBucketService>();
        services.AddSingleton<IStickyBucketService>(sp => sp.GetRequiredService<CookieStickyBucketService>());
        return builder;
    }

    // What a service reading the request's cookies needs: the request, Data Protection, its options.
    private static OptionsBuilder<TOptions> AddRequestOptions<TOptions>(IServiceCollection services, Action<TOptions>? configure)
        where TOptions : class
    {
        services.AddHttpContextAccessor();
        services.AddDataProtection();
        var options = services.AddOptions<TOptions>();
        return configure is null ? options : options.Configure(configure);
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
}
