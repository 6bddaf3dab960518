namespace GrowthBook.FeatureManagement;

/// <summary>
/// Stores fetched payloads, so a restarted instance (or another instance sharing the store) can serve the last
/// known good payload when the API is down. The default is <see cref="InMemoryFeatureCache"/>;
/// <see cref="DistributedFeatureCache"/> shares payloads through any <c>IDistributedCache</c> (Redis, SQL Server, …).
/// </summary>
public interface IFeatureCache
{
    /// <summary>Gets the entry stored under <paramref name="key"/>, or null.</summary>
    ValueTask<CachedFeatures?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores an entry, to be kept for <paramref name="timeToLive"/>.</summary>
    ValueTask SetAsync(string key, CachedFeatures value, TimeSpan timeToLive, CancellationToken cancellationToken = default);
}

/// <summary>A cached payload: the API's JSON as received (still encrypted if it was), its ETag, and when it was fetched.</summary>
/// <param name="PayloadJson">The payload JSON.</param>
/// <param name="ETag">The response's ETag, for conditional requests.</param>
/// <param name="FetchedAt">When it was fetched or last confirmed unchanged.</param>
public sealed record CachedFeatures(string PayloadJson, string? ETag, DateTimeOffset FetchedAt);
