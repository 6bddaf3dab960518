using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement;

// The contextual forms of the GrowthBook filter, one class per context type (Microsoft.FeatureManagement picks the filter
// whose interface matches the context; a class may implement only one filter interface).

/// <summary>The <c>GrowthBook</c> filter for <c>IsEnabledAsync(name, UserContext)</c>.</summary>
[FilterAlias(GrowthBookFeatureFilter.Alias)]
internal sealed class GrowthBookUserContextFilter(GrowthBookClient client) : IContextualFeatureFilter<UserContext>
{
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext featureFilterContext, UserContext appContext)
    {
        ArgumentNullException.ThrowIfNull(featureFilterContext);
        return GrowthBookFeatureFilter.IsOnAsync(client, featureFilterContext, appContext ?? UserContext.Anonymous);
    }
}

/// <summary>The <c>GrowthBook</c> filter for <c>IsEnabledAsync(name, GrowthBookAttributes)</c>.</summary>
[FilterAlias(GrowthBookFeatureFilter.Alias)]
internal sealed class GrowthBookAttributesFilter(GrowthBookClient client) : IContextualFeatureFilter<GrowthBookAttributes>
{
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext featureFilterContext, GrowthBookAttributes appContext)
    {
        ArgumentNullException.ThrowIfNull(featureFilterContext);
        return GrowthBookFeatureFilter.IsOnAsync(client, featureFilterContext, new UserContext { Attributes = appContext ?? GrowthBookAttributes.Empty });
    }
}

/// <summary>The <c>GrowthBook</c> filter for <c>IsEnabledAsync(name, ITargetingContext)</c>: UserId and Groups over the current user.</summary>
[FilterAlias(GrowthBookFeatureFilter.Alias)]
internal sealed class GrowthBookTargetingContextFilter(GrowthBookClient client, IGrowthBookUserContextAccessor users) : IContextualFeatureFilter<ITargetingContext>
{
    public async Task<bool> EvaluateAsync(FeatureFilterEvaluationContext featureFilterContext, ITargetingContext appContext)
    {
        ArgumentNullException.ThrowIfNull(featureFilterContext);
        var user = await users.GetUserContextAsync(featureFilterContext.CancellationToken).ConfigureAwait(false);
        return await GrowthBookFeatureFilter.IsOnAsync(client, featureFilterContext, appContext is null ? user : TargetingMapping.ToUser(appContext, user)).ConfigureAwait(false);
    }
}
