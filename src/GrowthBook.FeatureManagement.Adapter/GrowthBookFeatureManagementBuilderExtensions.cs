using GrowthBook.FeatureManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds GrowthBook to Microsoft.FeatureManagement.</summary>
public static class GrowthBookFeatureManagementBuilderExtensions
{
    /// <summary>The name of the HttpClient the GrowthBook client uses (configure it with <c>AddHttpClient(GrowthBookHttpClientName)</c>).</summary>
    public const string GrowthBookHttpClientName = "GrowthBook";

    /// <summary>
    /// Serves GrowthBook features through Microsoft.FeatureManagement, with options bound from
    /// <paramref name="configuration"/> (for example <c>configuration.GetSection("GrowthBook")</c>) and validated at start.
    /// </summary>
    /// <example><code>services.AddFeatureManagement().AddGrowthBook(builder.Configuration.GetSection("GrowthBook"));</code></example>
    public static IFeatureManagementBuilder AddGrowthBook(this IFeatureManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<GrowthBookClientOptions>().Bind(configuration);
        builder.Services.AddOptions<GrowthBookFeatureManagementOptions>().Bind(configuration);
        return builder.AddGrowthBookCore();
    }

    /// <summary>Serves GrowthBook features through Microsoft.FeatureManagement, with options set in code and validated at start.</summary>
    public static IFeatureManagementBuilder AddGrowthBook(
        this IFeatureManagementBuilder builder,
        Action<GrowthBookClientOptions> configure,
        Action<GrowthBookFeatureManagementOptions>? configureFeatureManagement = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<GrowthBookClientOptions>().Configure(configure);
        if (configureFeatureManagement is not null)
        {
            builder.Services.AddOptions<GrowthBookFeatureManagementOptions>().Configure(configureFeatureManagement);
        }

        return builder.AddGrowthBookCore();
    }

    private static IFeatureManagementBuilder AddGrowthBookCore(this IFeatureManagementBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GrowthBookClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookClientOptions>, GrowthBookOptionsValidation>());
        // IHttpClientFactory's default loggers write every request URL at Information level, and GrowthBook's URLs hold the
        // client key (/api/features/{key}, /sub/{key}): the client logs its own failures, without the key.
        services.AddHttpClient(GrowthBookHttpClientName).RemoveAllLoggers();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFeatureCache>(sp => new InMemoryFeatureCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new GrowthBookClient(
            sp.GetRequiredService<IOptions<GrowthBookClientOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(GrowthBookHttpClientName),
            sp.GetRequiredService<IFeatureCache>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<ITelemetryPublisher>(),
            sp.GetService<IStickyBucketService>()));
        services.AddHostedService<GrowthBookInitializationService>();
        RegisterAspNetCoreIfPresent(services);
        services.TryAddSingleton<IGrowthBookUserContextAccessor>(sp => new TargetingUserContextAccessor(sp.GetService<ITargetingContextAccessor>()));
        services.TryAddSingleton<VariantMapper>();
        builder.AddFeatureFilter<GrowthBookFeatureFilter>();
        builder.AddFeatureFilter<GrowthBookUserContextFilter>();
        builder.AddFeatureFilter<GrowthBookAttributesFilter>();
        builder.AddFeatureFilter<GrowthBookTargetingContextFilter>();

        // Microsoft.FeatureManagement uses only the last IFeatureDefinitionProvider: wrap the configuration provider it registered.
        var configuration = services.LastOrDefault(d => d.ServiceType == typeof(IFeatureDefinitionProvider))
            ?? throw new InvalidOperationException("Call AddFeatureManagement() before AddGrowthBook().");
        services.RemoveAll<IFeatureDefinitionProvider>();
        services.TryAddSingleton(sp => new GrowthBookFeatureDefinitionProvider(
            sp.GetRequiredService<GrowthBookClient>(),
            (IFeatureDefinitionProvider)Resolve(sp, configuration),
            sp.GetRequiredService<IOptions<GrowthBookFeatureManagementOptions>>(),
            sp.GetRequiredService<VariantMapper>()));
        services.AddSingleton<IFeatureDefinitionProvider>(sp => sp.GetRequiredService<GrowthBookFeatureDefinitionProvider>());

        // GrowthBook features are evaluated by GrowthBook's engine; Microsoft.FeatureManagement's manager serves the rest.
        // Its manager is built by its own registration, but over the configuration provider alone: the names it is asked
        // about are never GrowthBook's, so a delegated flag costs what it costs without GrowthBook.
        var lifetime = services.LastOrDefault(d => d.ServiceType == typeof(IFeatureManager))?.Lifetime ?? ServiceLifetime.Singleton;
        var microsoftManager = services.LastOrDefault(d => d.ServiceType == typeof(FeatureManager) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Call AddFeatureManagement() before AddGrowthBook().");
        services.RemoveAll<IFeatureManager>();
        services.RemoveAll<IVariantFeatureManager>();
        services.Add(new ServiceDescriptor(typeof(GrowthBookFeatureManager), sp => new GrowthBookFeatureManager(
            sp.GetRequiredService<GrowthBookClient>(),
            (FeatureManager)Resolve(new ConfigurationOnlyServices(sp, sp.GetRequiredService<GrowthBookFeatureDefinitionProvider>().Configuration), microsoftManager),
            sp.GetRequiredService<IGrowthBookUserContextAccessor>(),
            sp.GetRequiredService<GrowthBookFeatureDefinitionProvider>(),
            sp.GetRequiredService<VariantMapper>()), lifetime));
        services.Add(new ServiceDescriptor(typeof(IFeatureManager), sp => sp.GetRequiredService<GrowthBookFeatureManager>(), lifetime));
        services.Add(new ServiceDescriptor(typeof(IVariantFeatureManager), sp => sp.GetRequiredService<GrowthBookFeatureManager>(), lifetime));
        return builder;
    }

    // With GrowthBook.FeatureManagement.AspNetCore referenced, the one-line setup reads attributes from HttpContext.
    private static void RegisterAspNetCoreIfPresent(IServiceCollection services)
    {
        var integration = Type.GetType("GrowthBook.FeatureManagement.AspNetCore.GrowthBookAspNetCoreIntegration, GrowthBook.FeatureManagement.AspNetCore", throwOnError: false);
        integration?.GetMethod("Register", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.Invoke(null, [services]);
    }

    /// <summary>The app's services, except that <see cref="IFeatureDefinitionProvider"/> is the configuration provider.</summary>
    private sealed class ConfigurationOnlyServices(IServiceProvider services, IFeatureDefinitionProvider configuration) : IServiceProvider
    {
        public object? GetService(Type serviceType)
            => serviceType == typeof(IFeatureDefinitionProvider) ? configuration : services.GetService(serviceType);
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: { } instance } => instance,
        { ImplementationFactory: { } factory } => factory(services),
        { ImplementationType: { } type } => ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException("Unsupported IFeatureDefinitionProvider registration."),
    };
}
