using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The default <see cref="IGrowthBookUserContextAccessor"/>: Microsoft.FeatureManagement's targeting context, when an
/// <see cref="ITargetingContextAccessor"/> is registered, mapped to attributes (<c>id</c> = UserId, <c>groups</c> =
/// Groups); an anonymous user otherwise.
/// </summary>
internal sealed class TargetingUserContextAccessor(ITargetingContextAccessor? targeting = null) : IGrowthBookUserContextAccessor
{
    public async ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
    {
        if (targeting is null)
        {
            return UserContext.Anonymous;
        }

        var context = await targeting.GetContextAsync().ConfigureAwait(false);
        return context is null ? UserContext.Anonymous : TargetingMapping.ToUser(context, UserContext.Anonymous);
    }
}

/// <summary>Maps Microsoft.FeatureManagement's targeting context onto GrowthBook attributes.</summary>
internal static class TargetingMapping
{
    /// <summary>The user with <c>id</c> set to UserId and <c>groups</c> to Groups, over <paramref name="baseUser"/>'s other attributes.</summary>
    public static UserContext ToUser(ITargetingContext context, UserContext baseUser)
    {
        var attributes = baseUser.Attributes;
        if (context.UserId is { } id)
        {
            attributes = attributes.With("id", id);
        }

        if (context.Groups is { } groups)
        {
            attributes = attributes.With("groups", groups.ToArray());
        }

        return new UserContext
        {
            Attributes = attributes,
            Url = baseUser.Url,
            AllowQueryStringOverrides = baseUser.AllowQueryStringOverrides,
            ForcedVariations = baseUser.ForcedVariations,
            ForcedFeatureValues = baseUser.ForcedFeatureValues,
            QaMode = baseUser.QaMode,
            Enabled = baseUser.Enabled,
        };
    }
}
