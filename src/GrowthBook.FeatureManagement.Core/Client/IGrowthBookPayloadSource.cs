namespace GrowthBook.FeatureManagement;

/// <summary>
/// A source of payloads of your own, used instead of the GrowthBook API and the bootstrap: a store or message bus of
/// yours, or the in-memory test data of GrowthBook.FeatureManagement.Testing. Set it as
/// <see cref="GrowthBookClientOptions.CustomPayloadSource"/>; the client then serves only what the source offers, through
/// the same single writer as every other payload, so the newest <c>dateUpdated</c> wins and each change is announced by
/// <see cref="GrowthBookClient.PayloadChanged"/> and the change token (docs/client.md, "A payload source of your own").
/// </summary>
public interface IGrowthBookPayloadSource
{
    /// <summary>
    /// Connects a client; called once per client, by <see cref="GrowthBookClient.InitializeAsync"/>, which waits for the
    /// returned task within <see cref="GrowthBookClientOptions.InitializationTimeout"/>. Offer the current payload (if
    /// there is one) before completing, then every later payload, until <see cref="IGrowthBookPayloadSink.Disconnected"/>
    /// fires. An exception is logged and leaves the client without a payload from this call; it never reaches the caller.
    /// </summary>
    /// <param name="sink">Where this client takes payloads.</param>
    /// <param name="cancellationToken">Cancelled when the caller of <see cref="GrowthBookClient.InitializeAsync"/> gives up.</param>
    ValueTask ConnectAsync(IGrowthBookPayloadSink sink, CancellationToken cancellationToken);
}
