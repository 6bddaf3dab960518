using Microsoft.Extensions.Caching.Distributed;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Sticky-bucket documents in an <see cref="IDistributedCache"/> (Redis, SQL Server, …), one entry per document,
/// holding GrowthBook's document JSON under <see cref="StickyBucketStoreOptions.KeyPrefix"/> + <c>attributeName||attributeValue</c>.
/// <see cref="IDistributedCache"/> has no multi-get, so <see cref="GetAllAssignmentsAsync"/> issues one get per
/// attribute, concurrently; for one round trip with Redis use <c>RedisStickyBucketService</c>
/// (GrowthBook.FeatureManagement.StackExchangeRedis). An entry that is not a valid document is treated as missing.
/// </summary>
public sealed class DistributedCacheStickyBucketService : IStickyBucketService
{
    private readonly IDistributedCache _cache;
    private readonly StickyBucketStoreOptions _options;
    private readonly DistributedCacheEntryOptions _entryOptions;

    /// <summary>Creates the service over a cache.</summary>
    /// <param name="cache">The cache holding the documents.</param>
    /// <param name="options">Key prefix and time to live; the defaults when null.</param>
    public DistributedCacheStickyBucketService(IDistributedCache cache, StickyBucketStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _options = options ?? new StickyBucketStoreOptions();
        _options.Validate();
        _entryOptions = new DistributedCacheEntryOptions { SlidingExpiration = _options.TimeToLive };
    }

    /// <inheritdoc />
    public async ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        ArgumentNullException.ThrowIfNull(attributeValue);
        var bytes = await _cache.GetAsync(_options.KeyOf(attributeName, attributeValue), cancellationToken).ConfigureAwait(false);
        // A document stored under another document's key (edited by hand, or a bug elsewhere) is not this user's.
        return bytes is not null && StickyAssignmentsDocument.FromUtf8Json(bytes) is { } document && document.IsFor(attributeName, attributeValue)
            ? document
            : null;
    }

    /// <inheritdoc />
    public async ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _cache.SetAsync(_options.KeyOf(document.AttributeName, document.AttributeValue), document.ToUtf8Json(), _entryOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var gets = attributes.Select(a => GetAssignmentsAsync(a.Key, a.Value, cancellationToken).AsTask()).ToArray();
        var documents = await Task.WhenAll(gets).ConfigureAwait(false);
        var result = new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (document is not null)
            {
                result[document.Key] = document;
            }
        }

        return result;
    }
}
