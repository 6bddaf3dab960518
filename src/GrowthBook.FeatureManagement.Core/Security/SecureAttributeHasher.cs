namespace GrowthBook.FeatureManagement.Security;

/// <summary>
/// The client's automatic hashing of <see cref="GrowthBookClientOptions.SecureAttributes"/> before evaluation. The
/// hashed user is computed once per <see cref="UserContext"/> instance and cached on it. The salt is never logged.
/// </summary>
internal sealed class SecureAttributeHasher(string salt, string[] names)
{
    /// <summary>The hasher for the options, or null when none is configured (then evaluation pays nothing).</summary>
    public static SecureAttributeHasher? From(GrowthBookClientOptions options)
        => options.SecureAttributes is { Count: > 0 } names && options.SecureAttributeSalt is { } salt
            ? new SecureAttributeHasher(salt, names.Distinct(StringComparer.Ordinal).ToArray())
            : null;

    /// <summary>The user as evaluation sees it: the named attributes hashed.</summary>
    public UserContext Apply(UserContext user)
    {
        if (user.Hashed is { } cached && ReferenceEquals(cached.Owner, this))
        {
            return cached.User;
        }

        var attributes = SecureAttributes.Hash(user.Attributes, names, salt);
        var hashed = ReferenceEquals(attributes, user.Attributes) ? user : user.WithAttributes(attributes);
        user.Hashed = new HashedUser(this, hashed);
        return hashed;
    }
}
