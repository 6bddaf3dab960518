using System.Runtime.CompilerServices;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The <see cref="IFeatureManager"/> and <see cref="IVariantFeatureManager"/> behind Microsoft.FeatureManagement once
/// GrowthBook is added: GrowthBook features are evaluated by GrowthBook's engine (the same buckets as every other
/// GrowthBook SDK); every other name goes to Microsoft.FeatureManagement's own <see cref="FeatureManager"/>, so
/// configuration flags and their filters keep working. Microsoft.FeatureManagement's per-request snapshots,
/// <c>[FeatureGate]</c>, <c>&lt;feature&gt;</c>, <c>WithFeatureGate</c> and <c>UseForFeature</c> all come through here.
/// Registered <see cref="ISessionManager"/>s are consulted for GrowthBook features as Microsoft's manager consults them
/// (<c>IsEnabledAsync</c>: a session's state wins; the answer is stored in every session).
/// </summary>
public sealed class GrowthBookFeatureManager : IFeatureManager, IVariantFeatureManager
{
    private static readonly Task<bool> True = Task.FromResult(true);
    private static readonly Task<bool> False = Task.FromResult(false);

    private readonly GrowthBookClient _client;
    private readonly FeatureManager _inner;
    private readonly IGrowthBookUserContextAccessor _users;
    private readonly GrowthBookFeatureDefinitionProvider _definitions;
    private readonly VariantMapper _variants;
    private readonly ISessionManager[] _sessions;

    internal GrowthBookFeatureManager(
        GrowthBookClient client,
        FeatureManager inner,
        IGrowthBookUserContextAccessor users,
        GrowthBookFeatureDefinitionProvider definitions,
        VariantMapper variants,
        IEnumerable<ISessionManager> sessions)
    {
        _client = client;
        _inner = inner;
        _users = users;
        _definitions = definitions;
        _variants = variants;
        _sessions = [.. sessions];
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> GetFeatureNamesAsync() => GetFeatureNamesAsync(CancellationToken.None);

    /// <inheritdoc />
    public async IAsyncEnumerable<string> GetFeatureNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var definition in _definitions.GetAllFeatureDefinitionsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return definition.Name;
        }
    }

    /// <inheritdoc />
    public Task<bool> IsEnabledAsync(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var payload = _client.Payload;
        var served = _definitions.IsGrowthBookFeatureAsync(payload, feature);
        if (served.IsCompletedSuccessfully && !served.Result)
        {
            // Microsoft's own Task overload: a delegated flag costs what it costs without GrowthBook.
            return _inner.IsEnabledAsync(feature);
        }

        var pending = IsGrowthBookFeatureEnabledAsync(payload, feature, served, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? (pending.Result ? True : False) : pending.AsTask();
    }

    /// <inheritdoc />
    public Task<bool> IsEnabledAsync<TContext>(string feature, TContext context)
    {
        var pending = IsEnabledAsync(feature, context, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? (pending.Result ? True : False) : pending.AsTask();
    }

    /// <inheritdoc />
    public ValueTask<bool> IsEnabledAsync(string feature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var payload = _client.Payload;
        var served = _definitions.IsGrowthBookFeatureAsync(payload, feature);
        return served.IsCompletedSuccessfully && !served.Result
            ? _inner.IsEnabledAsync(feature, cancellationToken)
            : IsGrowthBookFeatureEnabledAsync(payload, feature, served, cancellationToken);
    }

    // Other names go straight to Microsoft.FeatureManagement (above), without asking for the user it does not need.
    private ValueTask<bool> IsGrowthBookFeatureEnabledAsync(GrowthBookPayload payload, string feature, ValueTask<bool> served, CancellationToken cancellationToken)
    {
        if (!served.IsCompletedSuccessfully)
        {
            return Slow(payload, feature, served, cancellationToken);
        }

        if (_sessions.Length > 0)
        {
            return WithSessionsAsync<object?>(payload, feature, null, cancellationToken);
        }

        // The common case completes synchronously (no sticky-bucket store, or the user's documents already loaded):
        // no state machine, no allocation.
        var users = _users.GetUserContextAsync(cancellationToken);
        if (users.IsCompletedSuccessfully)
        {
            var result = _client.EvalFeatureAsync(payload, feature, users.Result, cancellationToken);
            return result.IsCompletedSuccessfully ? new ValueTask<bool>(result.Result.On) : On(result);
        }

        return Evaluate(payload, feature, users, cancellationToken);

        async ValueTask<bool> Slow(GrowthBookPayload payload, string feature, ValueTask<bool> served, CancellationToken cancellationToken)
        {
            return await served.ConfigureAwait(false)
                ? await IsGrowthBookFeatureEnabledAsync(payload, feature, new ValueTask<bool>(true), cancellationToken).ConfigureAwait(false)
                : await _inner.IsEnabledAsync(feature, cancellationToken).ConfigureAwait(false);
        }

        async ValueTask<bool> Evaluate(GrowthBookPayload payload, string feature, ValueTask<UserContext> users, CancellationToken cancellationToken)
            => (await _client.EvalFeatureAsync(payload, feature, await users.ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).On;

        static async ValueTask<bool> On(ValueTask<FeatureResult> result) => (await result.ConfigureAwait(false)).On;
    }

    // Microsoft's order: a session that knows the feature's state answers; otherwise GrowthBook evaluates; either way
    // every session stores the answer.
    private async ValueTask<bool> WithSessionsAsync<TContext>(GrowthBookPayload payload, string feature, TContext context, CancellationToken cancellationToken)
    {
        var enabled = await SessionStateAsync(feature).ConfigureAwait(false)
            ?? (await _client.EvalFeatureAsync(payload, feature, await UserFromAsync(context, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).On;
        foreach (var session in _sessions)
        {
            await session.SetAsync(feature, enabled).ConfigureAwait(false);
        }

        return enabled;
    }

    private async ValueTask<bool?> SessionStateAsync(string feature)
    {
        foreach (var session in _sessions)
        {
            if (await session.GetAsync(feature).ConfigureAwait(false) is { } state)
            {
                return state;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsEnabledAsync<TContext>(string feature, TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var payload = _client.Payload;
        if (!await _definitions.IsGrowthBookFeatureAsync(payload, feature).ConfigureAwait(false))
        {
            return await _inner.IsEnabledAsync(feature, context, cancellationToken).ConfigureAwait(false);
        }

        if (_sessions.Length > 0)
        {
            return await WithSessionsAsync(payload, feature, context, cancellationToken).ConfigureAwait(false);
        }

        var user = await UserFromAsync(context, cancellationToken).ConfigureAwait(false);
        return (await _client.EvalFeatureAsync(payload, feature, user, cancellationToken).ConfigureAwait(false)).On;
    }

    /// <inheritdoc />
    public async ValueTask<Variant> GetVariantAsync(string feature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var payload = _client.Payload;
        if (!await _definitions.IsGrowthBookFeatureAsync(payload, feature).ConfigureAwait(false))
        {
            return await _inner.GetVariantAsync(feature, cancellationToken).ConfigureAwait(false);
        }

        var user = await _users.GetUserContextAsync(cancellationToken).ConfigureAwait(false);
        return _variants.ToVariant(await _client.EvalFeatureAsync(payload, feature, user, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<Variant> GetVariantAsync(string feature, ITargetingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var payload = _client.Payload;
        if (!await _definitions.IsGrowthBookFeatureAsync(payload, feature).ConfigureAwait(false))
        {
            return await _inner.GetVariantAsync(feature, context, cancellationToken).ConfigureAwait(false);
        }

        var user = await UserFromAsync(context, cancellationToken).ConfigureAwait(false);
        return _variants.ToVariant(await _client.EvalFeatureAsync(payload, feature, user, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The user for an evaluation context: a <see cref="UserContext"/> or <see cref="GrowthBookAttributes"/> as given, a targeting context mapped over the current user, anything else → the current user.</summary>
    private async ValueTask<UserContext> UserFromAsync<TContext>(TContext context, CancellationToken cancellationToken)
    {
        switch (context)
        {
            case UserContext user:
                return user;
            case GrowthBookAttributes attributes:
                return new UserContext { Attributes = attributes };
            case ITargetingContext targeting:
                return TargetingMapping.ToUser(targeting, await _users.GetUserContextAsync(cancellationToken).ConfigureAwait(false));
            default:
                return await _users.GetUserContextAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
