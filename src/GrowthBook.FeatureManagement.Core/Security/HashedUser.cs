namespace GrowthBook.FeatureManagement.Security;

/// <summary>A user with secure attributes hashed, cached on the original <see cref="UserContext"/> by the hasher that made it.</summary>
internal sealed record HashedUser(SecureAttributeHasher Owner, UserContext User);
