using GrowthBook.FeatureManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds GrowthBook to Microsoft.FeatureManagement.</summary>
public static class GrowthBookFeatureManagementBuilderExtensions
{
    /// <summary>The name of the HttpClient the GrowthBook client uses (configure it with <c>AddHttpClient(GrowthBookHttpClientName)</c>).</summary>
    public const string GrowthBookHttpClientName = "GrowthBook";

    /// <summary>
    /// Serves GrowthBook features through Microsoft.FeatureManagement, with options bound from
    /// <paramref name="configuration"/> (for example <c>configuration.GetSection("GrowthBook")</c>) and validated at start.
    /// The rest of the setup (the request's user, sticky bucketing, tracking) hangs from the builder it returns.
    /// </summary>
    /// <example><code>services.AddFeatureManagement().AddGrowthBook(builder.Configuration.GetSection("GrowthBook"));</code></example>
    /// <exception cref="InvalidOperationException">Microsoft.FeatureManagement's services are missing (call <c>AddFeatureManagement()</c> and use the builder it returns).</exception>
    public static IGrowthBookBuilder AddGrowthBook(this IFeatureManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<GrowthBookClientOptions>().Bind(configuration);
        builder.Services.AddOptions<GrowthBookFeatureManagementOptions>().Bind(configuration);
        return builder.AddGrowthBookServices();
    }

    /// <summary>Serves GrowthBook features through Microsoft.FeatureManagement, with options set in code and validated at start.</summary>
    /// <exception cref="InvalidOperationException">Microsoft.FeatureManagement's services are missing (call <c>AddFeatureManagement()</c> and use the builder it returns).</exception>
    public static IGrowthBookBuilder AddGrowthBook(
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

        return builder.AddGrowthBookServices();
    }

    private static IGrowthBookBuilder AddGrowthBookServices(this IFeatureManagementBuilder builder)
    {
        var services = builder.Services;
        var growthBook = new GrowthBookBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(GrowthBookFeatureDefinitionProvider)))
        {
            return growthBook; // already wired: a second call only adds its options
        }

        services.AddOptions<GrowthBookClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookClientOptions>, GrowthBookClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookClientOptions>, RemoteEvalRefusal>());
        services.AddOptions<GrowthBookFeatureManagementOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookFeatureManagementOptions>, GrowthBookFeatureManagementOptionsValidator>());

        // IHttpClientFactory's default loggers write every request URL at Information level, and GrowthBook's URLs hold the
        // client key (/api/features/{key}, /sub/{key}): the client logs its own failures, without the key.
        services.AddHttpClient(GrowthBookHttpClientName).RemoveAllLoggers();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFeatureCache>(sp => new InMemoryFeatureCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(CreateClient);
        services.AddHostedService<GrowthBookInitializationService>();
        services.TryAddSingleton<VariantMapper>();

        // Microsoft.FeatureManagement's own registration decides the lifetime (AddFeatureManagement: singleton;
        // AddScopedFeatureManagement: scoped); GrowthBook's manager and filters follow it.
        var lifetime = services.LastOrDefault(d => d.ServiceType == typeof(IFeatureManager))?.Lifetime ?? ServiceLifetime.Singleton;
        AddFilters(services, lifetime);

        // Microsoft.FeatureManagement uses the last IFeatureDefinitionProvider registered: GrowthBook's composes the
        // configuration provider registered before it (docs/feature-management.md, "What AddGrowthBook replaces").
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
        var microsoftManager = services.LastOrDefault(d => d.ServiceType == typeof(FeatureManager) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Call AddFeatureManagement() before AddGrowthBook().");
        services.RemoveAll<IFeatureManager>();
        services.RemoveAll<IVariantFeatureManager>();
        services.Add(new ServiceDescriptor(typeof(GrowthBookFeatureManager), sp => new GrowthBookFeatureManager(
            sp.GetRequiredService<GrowthBookClient>(),
            (FeatureManager)Resolve(new ConfigurationOnlyServices(sp, sp.GetRequiredService<GrowthBookFeatureDefinitionProvider>().Configuration), microsoftManager),
            UserContextAccessors.Resolve(sp),
            sp.GetRequiredService<GrowthBookFeatureDefinitionProvider>(),
            sp.GetRequiredService<VariantMapper>(),
            sp.GetServices<ISessionManager>()), lifetime));
        services.Add(new ServiceDescriptor(typeof(IFeatureManager), sp => sp.GetRequiredService<GrowthBookFeatureManager>(), lifetime));
        services.Add(new ServiceDescriptor(typeof(IVariantFeatureManager), sp => sp.GetRequiredService<GrowthBookFeatureManager>(), lifetime));
        return growthBook;
    }

    // The client, with what the builder's extensions registered: tracking plugins, telemetry publishers, a sticky-bucket
    // store, a feature cache. Resolved here, when the client is first needed, so registration order does not matter.
    private static GrowthBookClient CreateClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GrowthBookClientOptions>>().Value;
        foreach (var plugin in services.GetServices<ITrackingPlugin>())
        {
            if (!options.TrackingPlugins.Contains(plugin))
            {
                options.TrackingPlugins.Add(plugin);
            }
        }

        return new GrowthBookClient(
            options,
            services.GetRequiredService<IHttpClientFactory>().CreateClient(GrowthBookHttpClientName),
            services.GetRequiredService<IFeatureCache>(),
            services.GetService<ILoggerFactory>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetServices<ITelemetryPublisher>(),
            services.GetService<IStickyBucketService>());
    }

    // The GrowthBook filter and its contextual companions (one class per context type: Microsoft.FeatureManagement accepts
    // one filter interface per class), built here so that they get the same user as the manager.
    private static void AddFilters(IServiceCollection services, ServiceLifetime lifetime)
    {
        AddFilter(services, lifetime, sp => new GrowthBookFeatureFilter(sp.GetRequiredService<GrowthBookClient>(), UserContextAccessors.Resolve(sp)));
        AddFilter(services, lifetime, sp => new GrowthBookUserContextFilter(sp.GetRequiredService<GrowthBookClient>()));
        AddFilter(services, lifetime, sp => new GrowthBookAttributesFilter(sp.GetRequiredService<GrowthBookClient>()));
        AddFilter(services, lifetime, sp => new GrowthBookTargetingContextFilter(sp.GetRequiredService<GrowthBookClient>(), UserContextAccessors.Resolve(sp)));
    }

    // A typed factory: TryAddEnumerable tells filters apart by the factory's result type.
    private static void AddFilter<TFilter>(IServiceCollection services, ServiceLifetime lifetime, Func<IServiceProvider, TFilter> factory)
        where TFilter : class, IFeatureFilterMetadata
        => services.TryAddEnumerable(new ServiceDescriptor(typeof(IFeatureFilterMetadata), factory, lifetime));

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
