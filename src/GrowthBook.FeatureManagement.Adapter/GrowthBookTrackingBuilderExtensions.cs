using System.Runtime.CompilerServices;
using GrowthBook.FeatureManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds GrowthBook telemetry publishers and tracking plugins to the Microsoft.FeatureManagement setup.</summary>
public static class GrowthBookTrackingBuilderExtensions
{
    /// <summary>The name of the HttpClient the ingestor plugin uses (no request logging: its URL holds the client key).</summary>
    public const string GrowthBookIngestorHttpClientName = "GrowthBook.Ingestor";

    /// <summary>
    /// Registers the default telemetry publishers: <see cref="ActivityTelemetryPublisher"/> (activities on
    /// <c>GrowthBook.FeatureManagement</c> and, in Microsoft.FeatureManagement's shape, on <c>Microsoft.FeatureManagement</c>)
    /// and <see cref="LoggerTelemetryPublisher"/> (category <c>GrowthBook.Tracking</c>). Each costs evaluation nothing
    /// while nobody listens. The <c>GrowthBook.FeatureManagement</c> meter needs no registration.
    /// </summary>
    /// <param name="builder">The feature management builder.</param>
    /// <param name="includeUserId">Whether user ids go into activity tags (<c>feature_flag.context.id</c>, <c>TargetingId</c>). Default true.</param>
    /// <example><code>services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook")).AddGrowthBookTelemetry();</code></example>
    public static IFeatureManagementBuilder AddGrowthBookTelemetry(this IFeatureManagementBuilder builder, bool includeUserId = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryPublisher, ActivityTelemetryPublisher>(_ => new ActivityTelemetryPublisher(includeUserId)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryPublisher, LoggerTelemetryPublisher>(
            sp => new LoggerTelemetryPublisher(sp.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance)));
        return builder;
    }

    /// <summary>
    /// Adds a tracking plugin to the shared client (<see cref="GrowthBookClientOptions.TrackingPlugins"/>). The client
    /// flushes it when the host stops and disposes it with itself. Call it once per plugin; several can run at once.
    /// </summary>
    /// <param name="builder">The feature management builder.</param>
    /// <param name="factory">Creates the plugin (once, when the client is created).</param>
    public static IFeatureManagementBuilder AddGrowthBookTrackingPlugin(this IFeatureManagementBuilder builder, Func<IServiceProvider, ITrackingPlugin> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.AddPlugin((services, _) => factory(services));
    }

    private static IFeatureManagementBuilder AddPlugin(this IFeatureManagementBuilder builder, Func<IServiceProvider, GrowthBookClientOptions, ITrackingPlugin> factory)
    {
        var created = new ConditionalWeakTable<IServiceProvider, ITrackingPlugin>();
        builder.Services.AddOptions<GrowthBookClientOptions>().PostConfigure<IServiceProvider>((options, services) =>
        {
            // One plugin per container, even if the options are built again.
            ITrackingPlugin plugin;
            lock (created)
            {
                plugin = created.GetValue(services, s => factory(s, options));
            }

            if (!options.TrackingPlugins.Contains(plugin))
            {
                options.TrackingPlugins.Add(plugin);
            }
        });
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="GrowthBookIngestorPlugin"/>: exposures batched to a GrowthBook ingestor. The client key
    /// defaults to the client's own (<see cref="GrowthBookClientOptions.ClientKey"/>).
    /// </summary>
    /// <param name="builder">The feature management builder.</param>
    /// <param name="configure">Sets the ingestor host, batching and retries.</param>
    /// <example><code>.AddGrowthBookIngestor(o => o.IngestorHost = "https://us1.gb-ingest.com")</code></example>
    public static IFeatureManagementBuilder AddGrowthBookIngestor(this IFeatureManagementBuilder builder, Action<GrowthBookIngestorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(GrowthBookIngestorHttpClientName).RemoveAllLoggers();
        return builder.AddPlugin((sp, client) =>
        {
            var options = new GrowthBookIngestorOptions();
            configure?.Invoke(options);
            options.ClientKey ??= client.ClientKey;
            return new GrowthBookIngestorPlugin(
                options,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(GrowthBookIngestorHttpClientName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("GrowthBook.Tracking"));
        });
    }
}
