using Microsoft.Extensions.DependencyInjection;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>The hook <c>AddGrowthBook</c> calls when this assembly is present, so web apps get HttpContext attributes from the one-line setup.</summary>
internal static class GrowthBookAspNetCoreIntegration
{
    public static void Register(IServiceCollection services) => GrowthBookAspNetCoreExtensions.RegisterDefaults(services);
}
