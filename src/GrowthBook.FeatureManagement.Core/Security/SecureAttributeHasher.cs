namespace GrowthBook.FeatureManagement.Security;

/// <summary>
/// The client's automatic hashing of <see cref="GrowthBookClientOptions.SecureAttributes"/> before evaluation. The
/// client computes the hashed user once per <see cref="UserContext"/> instance (in its user session). The salt is
/// never logged.
/// </summary>
internal sealed class SecureAttributeHasher(string salt, string[] names)
{
    /// <summary>The hasher for the options, or null when none is configured (then evaluation pays nothing).</summary>
    public static SecureAttributeHasher? From(GrowthBookClientOptions options)
        => options.SecureAttributes is { Count: > 0 } names && options.SecureAttributeSalt is { } salt
            ? new SecureAttributeHasher(salt, names.Distinct(StringComparer.Ordinal).ToArray())
            : null;

    /// <summary>The user as evaluation sees it: the named attributes hashed (the same instance when none is present).</summary>
    public UserContext Apply(UserContext user)
    {
        var attributes = SecureAttributes.Hash(user.Attributes, names, salt);
        return ReferenceEquals(attributes, user.Attributes) ? user : user.WithAttributes(attributes);
    }
}
