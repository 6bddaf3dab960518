namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// One user's sticky-bucket documents as loaded (or being loaded) by a client, kept in the client's session for the
/// user context: a request (or user) evaluating many features reads the store once.
/// </summary>
/// <param name="Attributes">The payload's sticky attributes it was loaded for; a payload with others loads again.</param>
/// <param name="State">The documents; null when the store failed, was too slow or was skipped (evaluation then runs without stickiness).</param>
/// <param name="Recoveries">The store circuit's recovery count when the load started: a failed load is retried once the store has recovered since.</param>
/// <param name="IsProbe">Whether the load started while the circuit was open (the half-open probe, or kept away): requests do not wait for it.</param>
internal sealed record StickyBucketLoad(string[] Attributes, Task<StickyBucketState?> State, int Recoveries, bool IsProbe);
