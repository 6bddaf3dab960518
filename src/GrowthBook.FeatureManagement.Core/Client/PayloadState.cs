namespace GrowthBook.FeatureManagement.Client;

/// <summary>What a client serves: one immutable snapshot, replaced as a whole.</summary>
internal sealed record PayloadState(
    GrowthBookPayload Payload,
    PayloadSource Source,
    string? ETag,
    DateTimeOffset FetchedAt,
    long StaleAtTimestamp)
{
    public static readonly PayloadState Initial = new(GrowthBookPayload.Empty, PayloadSource.None, null, DateTimeOffset.MinValue, long.MinValue);
}
