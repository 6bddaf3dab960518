using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement;

/// <summary>Where evaluations that are not given a user get one.</summary>
internal static class UserContextAccessors
{
    /// <summary>
    /// The registered <see cref="IGrowthBookUserContextAccessor"/> (the last registration wins, as for any service: an
    /// app's own, or the HttpContext one), else Microsoft.FeatureManagement's targeting context mapped to attributes.
    /// Nothing registers a default, so no registration order can hide the app's choice.
    /// </summary>
    public static IGrowthBookUserContextAccessor Resolve(IServiceProvider services)
        => services.GetService<IGrowthBookUserContextAccessor>() ?? new TargetingUserContextAccessor(services.GetService<ITargetingContextAccessor>());
}
