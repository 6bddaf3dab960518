namespace GrowthBook.FeatureManagement.Client;

/// <summary>What a client serves: one immutable snapshot, replaced as a whole by the <see cref="PayloadStore"/>.</summary>
/// <param name="Payload">The compiled payload.</param>
/// <param name="Source">Where it came from (the latest source that confirmed it).</param>
/// <param name="ETag">The ETag of the API response that carried it (null when it came from elsewhere).</param>
/// <param name="FetchedAt">When it was fetched, loaded, or last confirmed unchanged by the API.</param>
/// <param name="ContentHash">SHA-256 of the bytes it was parsed from: the same bytes again are no change and are not parsed.</param>
internal sealed record PayloadState(GrowthBookPayload Payload, PayloadSource Source, string? ETag, DateTimeOffset FetchedAt, byte[]? ContentHash)
{
    public static readonly PayloadState Initial = new(GrowthBookPayload.Empty, PayloadSource.None, null, DateTimeOffset.MinValue, null);

    /// <summary>Whether it came from the API (directly, over the stream, or through the feature cache).</summary>
    public bool FromApi => Source is PayloadSource.Network or PayloadSource.Stream or PayloadSource.Cache;

    /// <summary>
    /// Whether the API confirmed it less than <paramref name="ttl"/> before <paramref name="now"/> (a bootstrap never is);
    /// a custom source's payload always is: the source keeps it current.
    /// </summary>
    public bool IsFresh(DateTimeOffset now, TimeSpan ttl) => Source == PayloadSource.Custom || (FromApi && now - FetchedAt < ttl);
}
