using GrowthBook.FeatureManagement;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What hangs from <c>AddGrowthBook(…)</c>: telemetry publishers, tracking plugins, the feature cache and the
/// sticky-bucket store. Each registers ordinary services that the client picks up when it is built, so the calls can
/// come in any order, and a service registered directly (<c>services.AddSingleton&lt;IStickyBucketService&gt;(…)</c>)
/// counts the same. Where one service is chosen (a store, a cache), the last registration wins, as everywhere in DI.
/// </summary>
public static class GrowthBookBuilderExtensions
{
    /// <summary>The name of the HttpClient the ingestor plugin uses (no request logging: its URL holds the client key).</summary>
    public const string GrowthBookIngestorHttpClientName = "GrowthBook.Ingestor";

    /// <summary>
    /// Registers the default telemetry publishers (<see cref="ITelemetryPublisher"/>): <see cref="ActivityTelemetryPublisher"/>
    /// (activities on <c>GrowthBook.FeatureManagement</c> and, in Microsoft.FeatureManagement's shape, on
    /// <c>Microsoft.FeatureManagement</c>) and <see cref="LoggerTelemetryPublisher"/> (category <c>GrowthBook.Tracking</c>).
    /// Each costs evaluation nothing while nobody listens. The <c>GrowthBook.FeatureManagement</c> meter needs no registration.
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="includeUserId">Whether user ids go into activity tags (<c>feature_flag.context.id</c>, <c>TargetingId</c>). Default true.</param>
    /// <example><code>services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook")).AddTelemetry();</code></example>
    public static IGrowthBookBuilder AddTelemetry(this IGrowthBookBuilder builder, bool includeUserId = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryPublisher, ActivityTelemetryPublisher>(_ => new ActivityTelemetryPublisher(includeUserId)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITelemetryPublisher, LoggerTelemetryPublisher>(
            sp => new LoggerTelemetryPublisher(sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)));
        return builder;
    }

    /// <summary>
    /// Adds a tracking plugin (an <see cref="ITrackingPlugin"/> service, created once with the client). The client
    /// flushes it when the host stops and disposes it with itself; the container may dispose it again, which
    /// <see cref="IAsyncDisposable"/> implementations must ignore. Call it once per plugin; several can run at once.
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="factory">Creates the plugin.</param>
    public static IGrowthBookBuilder AddTrackingPlugin(this IGrowthBookBuilder builder, Func<IServiceProvider, ITrackingPlugin> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="GrowthBookIngestorPlugin"/>: exposures batched to a GrowthBook ingestor. The client key
    /// defaults to the client's own (<see cref="GrowthBookClientOptions.ClientKey"/>). Calling it again configures the
    /// same plugin.
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="configure">Sets the ingestor host, batching and retries.</param>
    /// <example><code>.AddIngestor(o => o.IngestorHost = "https://us1.gb-ingest.com")</code></example>
    public static IGrowthBookBuilder AddIngestor(this IGrowthBookBuilder builder, Action<GrowthBookIngestorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddHttpClient(GrowthBookIngestorHttpClientName).RemoveAllLoggers();
        var options = services.AddOptions<GrowthBookIngestorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The client's key unless one is set, then the same rules as the plugin's constructor, checked at start.
        options.PostConfigure<IOptions<GrowthBookClientOptions>>((ingestor, client) => ingestor.ClientKey ??= client.Value.ClientKey).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrowthBookIngestorOptions>, GrowthBookIngestorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrackingPlugin, GrowthBookIngestorPlugin>(sp => new GrowthBookIngestorPlugin(
            sp.GetRequiredService<IOptions<GrowthBookIngestorOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(GrowthBookIngestorHttpClientName),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("GrowthBook.Tracking"))));
        return builder;
    }

    /// <summary>
    /// Keeps sticky buckets in the registered <see cref="IDistributedCache"/> (<see cref="DistributedCacheStickyBucketService"/>).
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    /// <param name="configure">Sets the key prefix and time to live.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static IGrowthBookBuilder WithDistributedCacheStickyBucketing(this IGrowthBookBuilder builder, Action<StickyBucketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new StickyBucketStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.AddSingleton<IStickyBucketService>(sp => new DistributedCacheStickyBucketService(sp.GetRequiredService<IDistributedCache>(), options));
        return builder;
    }

    /// <summary>
    /// Keeps the last known good payload in the registered <see cref="IDistributedCache"/> (<see cref="DistributedFeatureCache"/>),
    /// shared between instances and kept across restarts, instead of this process's memory.
    /// </summary>
    /// <param name="builder">The GrowthBook builder.</param>
    public static IGrowthBookBuilder WithDistributedFeatureCache(this IGrowthBookBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IFeatureCache>(sp => new DistributedFeatureCache(sp.GetRequiredService<IDistributedCache>()));
        return builder;
    }
}
