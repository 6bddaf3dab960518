using Microsoft.Extensions.DependencyInjection;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// What <c>AddGrowthBook(…)</c> returns: the one place the rest of a GrowthBook setup hangs from (the request's user,
/// a sticky-bucket store, the feature cache, tracking plugins, telemetry publishers), as
/// Microsoft.FeatureManagement's <c>IFeatureManagementBuilder</c> is for filters. Each extension registers ordinary
/// services in <see cref="Services"/>, resolved when the client is first built, so the calls can come in any order.
/// Packages add their own extensions to it; it lives here so that a package needs only Core to do so.
/// </summary>
public interface IGrowthBookBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
