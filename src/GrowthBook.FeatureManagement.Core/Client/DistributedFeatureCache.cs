using System.Text.Json;
using GrowthBook.FeatureManagement.Json;
using Microsoft.Extensions.Caching.Distributed;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A feature cache over <see cref="IDistributedCache"/> (for example Redis through
/// Microsoft.Extensions.Caching.StackExchangeRedis): app instances share the payload, and a restarted instance
/// starts from the last known good payload when the API is down. Entries hold the payload as the API sent it
/// (still encrypted when it was encrypted). An entry that cannot be read is treated as missing.
/// </summary>
public sealed class DistributedFeatureCache(IDistributedCache cache) : IFeatureCache
{
    /// <inheritdoc />
    public async ValueTask<CachedFeatures?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, GrowthBookJsonContext.Default.CachedFeatures);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, CachedFeatures value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, GrowthBookJsonContext.Default.CachedFeatures);
        await cache.SetAsync(key, bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive }, cancellationToken).ConfigureAwait(false);
    }
}
