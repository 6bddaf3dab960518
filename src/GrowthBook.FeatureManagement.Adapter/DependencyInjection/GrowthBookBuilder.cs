using GrowthBook.FeatureManagement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The <see cref="IGrowthBookBuilder"/> <c>AddGrowthBook</c> returns.</summary>
internal sealed class GrowthBookBuilder(IServiceCollection services) : IGrowthBookBuilder
{
    public IServiceCollection Services { get; } = services;
}
