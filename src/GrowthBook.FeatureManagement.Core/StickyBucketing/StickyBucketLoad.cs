namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// One user's sticky-bucket documents as loaded (or being loaded) by one client, cached on the
/// <see cref="UserContext"/> instance: a request (or user) evaluating many features reads the store once.
/// </summary>
/// <param name="Owner">The client's sticky-bucket handler that loaded it (another client with another store loads its own).</param>
/// <param name="Attributes">The payload's sticky attributes it was loaded for; a payload with others loads again.</param>
/// <param name="State">The documents; null when the store failed or was too slow (evaluation then runs without stickiness).</param>
internal sealed record StickyBucketLoad(object Owner, string[] Attributes, Task<StickyBucketState?> State);
