using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// The client's use of its <see cref="IFeatureCache"/>: one entry per API host and client key, every call bounded by a
/// timeout and behind a circuit breaker, writes in the background (a fetch never waits for the cache). A failing cache
/// costs a cache miss on reads and a skipped write, never a wait beyond the timeout and, once the circuit is open, no
/// wait at all.
/// </summary>
internal sealed class FeatureCacheGuard
{
    private readonly IFeatureCache _cache;
    private readonly GrowthBookClientOptions _options;
    private readonly ILogger _logger;
    private readonly StoreCircuit _circuit;
    private readonly StickyBucketing.PendingSaves _writes = new();
    private readonly string _key;

    public FeatureCacheGuard(IFeatureCache cache, GrowthBookClientOptions options, TimeProvider time, ILogger logger)
    {
        _cache = cache;
        _options = options;
        _logger = logger;
        _key = "growthbook:features:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.EffectiveApiHost + "||" + options.ClientKey)))[..32];
        _circuit = new StoreCircuit("feature cache " + cache.GetType().Name, "serving the payload in memory, nothing cached", options.StoreBreakDuration, time, logger);
    }

    internal StoreCircuit Circuit => _circuit;

    /// <summary>The cached entry, or null (none, unreadable, too slow, or the circuit is open).</summary>
    public async Task<CachedFeatures?> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcome = await _circuit.ExecuteAsync(static (call, ct) => call.Cache.GetAsync(call.Key, ct), (Cache: _cache, Key: _key), timeout, cancellationToken).ConfigureAwait(false);
        if (outcome.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        Report(outcome.Exception);
        return outcome.Exception is null ? outcome.Result : null;
    }

    /// <summary>Stores a payload as received, in the background.</summary>
    public void Write(byte[] body, string? etag, DateTimeOffset fetchedAt)
        => _writes.Track(WriteAsync(new CachedFeatures(Encoding.UTF8.GetString(body), etag, fetchedAt)));

    /// <summary>After a 304: renews the stored entry's time (its body is kept), in the background.</summary>
    public void Touch(string? etag, DateTimeOffset fetchedAt) => _writes.Track(TouchAsync(etag, fetchedAt));

    /// <summary>Waits for the writes started so far (each is bounded).</summary>
    public Task FlushAsync() => _writes.WhenAllAsync();

    private async Task TouchAsync(string? etag, DateTimeOffset fetchedAt)
    {
        if (await ReadAsync(_options.RequestTimeout, CancellationToken.None).ConfigureAwait(false) is { } existing)
        {
            await WriteAsync(existing with { ETag = etag ?? existing.ETag, FetchedAt = fetchedAt }).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(CachedFeatures entry)
    {
        var outcome = await _circuit.ExecuteAsync(
            static async (call, ct) =>
            {
                await call.Cache.SetAsync(call.Key, call.Entry, call.TimeToLive, ct).ConfigureAwait(false);
                return true;
            },
            (Cache: _cache, Key: _key, Entry: entry, TimeToLive: _options.LastKnownGoodRetention + _options.CacheTtl),
            _options.RequestTimeout,
            CancellationToken.None).ConfigureAwait(false);
        Report(outcome.Exception);
    }

    private void Report(Exception? error)
    {
        if (error is not null and not BrokenCircuitException)
        {
            ClientLog.CacheFailed(_logger, Security.RedactedException.Of(error)); // the open circuit is logged once, by the circuit
        }
    }
}
