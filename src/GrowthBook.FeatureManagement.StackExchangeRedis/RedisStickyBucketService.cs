using StackExchange.Redis;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Sticky-bucket documents in Redis, as GrowthBook's own Redis store keeps them: one string key per document,
/// <see cref="StickyBucketStoreOptions.KeyPrefix"/> (default <c>gbStickyBuckets__</c>) + <c>attributeName||attributeValue</c>,
/// holding the document's JSON (<c>{"attributeName":…,"attributeValue":…,"assignments":{…}}</c>). All of a user's
/// documents are read with one <c>MGET</c> (one round trip). With Redis Cluster, the keys of one user may hash to
/// different slots, which <c>MGET</c> refuses: use a key prefix with a hash tag only if you know your attribute set,
/// or a non-clustered Redis. A key that does not hold a valid document is treated as missing.
/// </summary>
public sealed class RedisStickyBucketService : IStickyBucketService
{
    private readonly IDatabaseAsync _database;
    private readonly StickyBucketStoreOptions _options;

    /// <summary>Creates the service over a Redis database.</summary>
    /// <param name="database">The database (for example <c>multiplexer.GetDatabase()</c>).</param>
    /// <param name="options">Key prefix and time to live; the defaults when null.</param>
    public RedisStickyBucketService(IDatabaseAsync database, StickyBucketStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _options = options ?? new StickyBucketStoreOptions();
        _options.Validate();
    }

    /// <summary>Creates the service over a connection's default database.</summary>
    /// <param name="connection">The connection (share one per application).</param>
    /// <param name="options">Key prefix and time to live; the defaults when null.</param>
    public RedisStickyBucketService(IConnectionMultiplexer connection, StickyBucketStoreOptions? options = null)
        : this((connection ?? throw new ArgumentNullException(nameof(connection))).GetDatabase(), options)
    {
    }

    /// <inheritdoc />
    public async ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        ArgumentNullException.ThrowIfNull(attributeValue);
        var value = await _database.StringGetAsync(_options.KeyOf(attributeName, attributeValue)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Read(value, attributeName, attributeValue);
    }

    /// <inheritdoc />
    public async ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var key = _options.KeyOf(document.AttributeName, document.AttributeValue);
        await _database.StringSetAsync(key, document.ToUtf8Json(), _options.TimeToLive).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var result = new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal);
        if (attributes.Count == 0)
        {
            return result;
        }

        var pairs = attributes.ToArray();
        var keys = new RedisKey[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            keys[i] = _options.KeyOf(pairs[i].Key, pairs[i].Value);
        }

        // One MGET for every attribute: one round trip however many attributes the experiments hash on.
        var values = await _database.StringGetAsync(keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < pairs.Length; i++)
        {
            if (Read(values[i], pairs[i].Key, pairs[i].Value) is { } document)
            {
                result[document.Key] = document;
            }
        }

        return result;
    }

    // A value stored under another document's key (edited by hand, or a bug elsewhere) is not this user's.
    private static StickyAssignmentsDocument? Read(RedisValue value, string attributeName, string attributeValue)
        => !value.IsNullOrEmpty && StickyAssignmentsDocument.FromUtf8Json((byte[])value!) is { } document && document.IsFor(attributeName, attributeValue)
            ? document
            : null;
}
