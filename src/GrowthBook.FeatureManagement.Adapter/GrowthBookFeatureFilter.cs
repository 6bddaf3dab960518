using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The <c>GrowthBook</c> feature filter: GrowthBook's evaluation as one filter among others in a configuration-defined
/// flag. It passes when the GrowthBook feature is on for the current user. The feature evaluated is the filter's
/// <c>Feature</c> parameter, or the flag's own name:
/// <code>"EnabledFor": [ { "Name": "GrowthBook", "Parameters": { "Feature": "new-checkout" } } ]</code>
/// Contextual evaluations (<c>IsEnabledAsync(name, context)</c> with a <see cref="UserContext"/>,
/// <see cref="GrowthBookAttributes"/> or a targeting context) are served by companion filters registered under the
/// same alias: Microsoft.FeatureManagement accepts only one filter interface per filter class.
/// </summary>
[FilterAlias(Alias)]
public sealed class GrowthBookFeatureFilter : IFeatureFilter
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
        return await IsOnAsync(_client, context, user).ConfigureAwait(false);
    }

    /// <summary>Whether the filter's feature (its <c>Feature</c> parameter, else the flag's name) is on for <paramref name="user"/>.</summary>
    internal static async Task<bool> IsOnAsync(GrowthBookClient client, FeatureFilterEvaluationContext context, UserContext user)
    {
        // The indexer, not ConfigurationBinder.GetValue: the same string, without the binder's reflection (docs/native-aot.md).
        var key = context.Parameters?["Feature"] is { Length: > 0 } configured ? configured : context.FeatureName;
        var result = await client.EvalFeatureAsync(key, user, context.CancellationToken).ConfigureAwait(false);
        return result.On;
    }
}
