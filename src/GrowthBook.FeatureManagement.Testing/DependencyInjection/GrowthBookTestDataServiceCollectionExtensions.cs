using GrowthBook.FeatureManagement;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves the app's GrowthBook client from <see cref="GrowthBookTestData"/> in tests.</summary>
public static class GrowthBookTestDataServiceCollectionExtensions
{
    /// <summary>
    /// Makes the GrowthBook client of these services use <paramref name="testData"/> as its only payload source, in
    /// place of whatever the app configured (client key, bootstrap payload or file, feature cache): the client never
    /// touches the network for its payload. Registration order does not matter — call it before or after the app's
    /// <c>AddGrowthBook</c>, for example from <c>WebApplicationFactory</c>'s <c>ConfigureTestServices</c>. The test data
    /// is also registered as a service. Called again with other test data, the last one is used.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="testData">The test data to serve.</param>
    /// <remarks>
    /// Only the payload source is replaced: a sticky-bucket store, tracking plugins or telemetry publishers the app
    /// registers still run (replace them in the test if they reach the network). The client connects to the test data
    /// when it is initialised, which the host does when it starts.
    /// </remarks>
    public static IServiceCollection AddGrowthBookTestData(this IServiceCollection services, GrowthBookTestData testData)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(testData);
        services.AddOptions();
        services.RemoveAll<GrowthBookTestData>();
        services.AddSingleton(testData);

        // A post-configuration runs after every configuration, whenever it was registered: the app's ClientKey or bootstrap,
        // set before or after this call, is overridden (and, with a custom source, never used by the client).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<GrowthBookClientOptions>, UseTestData>());
        return services;
    }

    /// <summary>
    /// Makes the GrowthBook client use <paramref name="testData"/> as its only payload source, in place of the
    /// client key, bootstrap and feature cache (see <see cref="AddGrowthBookTestData"/>).
    /// </summary>
    /// <param name="builder">The GrowthBook builder <c>AddGrowthBook</c> returned.</param>
    /// <param name="testData">The test data to serve.</param>
    public static IGrowthBookBuilder WithTestData(this IGrowthBookBuilder builder, GrowthBookTestData testData)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGrowthBookTestData(testData);
        return builder;
    }

    /// <summary>Applies the test data registered last to the client's options.</summary>
    private sealed class UseTestData(GrowthBookTestData testData) : IPostConfigureOptions<GrowthBookClientOptions>
    {
        public void PostConfigure(string? name, GrowthBookClientOptions options) => testData.ApplyTo(options);
    }
}
