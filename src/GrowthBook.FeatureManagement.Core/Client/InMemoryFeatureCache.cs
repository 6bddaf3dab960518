using System.Collections.Concurrent;

namespace GrowthBook.FeatureManagement;

/// <summary>The default feature cache: process memory, honouring the time to live.</summary>
public sealed class InMemoryFeatureCache(TimeProvider? timeProvider = null) : IFeatureCache
{
    private readonly ConcurrentDictionary<string, (CachedFeatures Value, DateTimeOffset ExpiresAt)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<CachedFeatures?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > _time.GetUtcNow())
            {
                return ValueTask.FromResult<CachedFeatures?>(entry.Value);
            }

            _entries.TryRemove(new KeyValuePair<string, (CachedFeatures, DateTimeOffset)>(key, entry));
        }

        return ValueTask.FromResult<CachedFeatures?>(null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, CachedFeatures value, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        _entries[key] = (value, _time.GetUtcNow() + timeToLive);
        return ValueTask.CompletedTask;
    }
}
