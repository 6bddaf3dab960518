using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The <c>GrowthBook</c> feature filter: GrowthBook's evaluation as one filter among others in a configuration-defined
/// flag. It passes when the GrowthBook feature is on for the current user. The feature evaluated is the filter's
/// <c>Feature</c> parameter, or the flag's own name:
/// <code>"EnabledFor": [ { "Name": "GrowthBook", "Parameters": { "Feature": "new-checkout" } } ]</code>
/// The contextual form takes the user (<see cref="UserContext"/>, <see cref="GrowthBookAttributes"/> or a targeting context).
/// </summary>
[FilterAlias(Alias)]
public sealed class GrowthBookFeatureFilter : IFeatureFilter, IContextualFeatureFilter<UserContext>, IContextualFeatureFilter<GrowthBookAttributes>, IContextualFeatureFilter<ITargetingContext>
{
    /// <summary>The filter's name in configuration.</summary>
    public const string Alias = "GrowthBook";

    private readonly GrowthBookClient _client;
    private readonly IGrowthBookUserContextAccessor _users;

    /// <summary>Creates the filter.</summary>
    public GrowthBookFeatureFilter(GrowthBookClient client, IGrowthBookUserContextAccessor users)
    {
        _client = client;
        _users = users;
    }

    /// <inheritdoc />
    public async Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = await _users.GetUserContextAsync(context.CancellationToken).ConfigureAwait(false);
        return await IsOnAsync(context, user).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context, UserContext appContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsOnAsync(context, appContext ?? UserContext.Anonymous);
    }

    /// <inheritdoc />
    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context, GrowthBookAttributes appContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsOnAsync(context, new UserContext { Attributes = appContext ?? GrowthBookAttributes.Empty });
    }

    /// <inheritdoc />
    public async Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context, ITargetingContext appContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = await _users.GetUserContextAsync(context.CancellationToken).ConfigureAwait(false);
        return await IsOnAsync(context, appContext is null ? user : TargetingMapping.ToUser(appContext, user)).ConfigureAwait(false);
    }

    private async Task<bool> IsOnAsync(FeatureFilterEvaluationContext context, UserContext user)
    {
        var key = context.Parameters?.GetValue<string?>("Feature") is { Length: > 0 } configured ? configured : context.FeatureName;
        var result = await _client.EvalFeatureAsync(key, user, context.CancellationToken).ConfigureAwait(false);
        return result.On;
    }
}
