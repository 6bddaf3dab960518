namespace GrowthBook.FeatureManagement;

/// <summary>
/// How an <see cref="IGrowthBookPayloadSource"/> hands payloads to one client. Thread-safe; offers may come from any
/// thread, at any time after <see cref="IGrowthBookPayloadSource.ConnectAsync"/> was called.
/// </summary>
public interface IGrowthBookPayloadSink
{
    /// <summary>Fires when the client is disposed: stop offering, and let go of the sink.</summary>
    CancellationToken Disconnected { get; }

    /// <summary>
    /// Offers a payload: GrowthBook API JSON in UTF-8 (<c>features</c> or <c>encryptedFeatures</c>, decrypted with the
    /// client's <see cref="GrowthBookClientOptions.DecryptionKey"/>). It is compiled and, unless the payload served has a
    /// newer <c>dateUpdated</c>, served from the moment this returns, as one atomic swap; the change notifications follow
    /// on the client's worker. Give each payload a strictly newer <c>dateUpdated</c> than the last (the same
    /// <c>dateUpdated</c> counts as no change); without one, the later offer wins.
    /// </summary>
    /// <param name="utf8Json">The payload.</param>
    /// <returns>
    /// True when it is the payload served now (applied, or the same as the one served); false when it was ignored:
    /// older than the one served, not valid JSON or not decryptable (logged), or the client is disposed.
    /// </returns>
    bool Offer(ReadOnlySpan<byte> utf8Json);
}
