namespace GrowthBook.FeatureManagement;

/// <summary>How <see cref="GrowthBookClient.InitializeAsync"/> ended.</summary>
public enum InitializationStatus
{
    /// <summary>A payload was fetched from the API.</summary>
    Network,

    /// <summary>The API could not be used in time; a cached (last-known-good) payload is served.</summary>
    Cache,

    /// <summary>The API is not configured or could not be used in time; the bootstrap payload is served.</summary>
    Bootstrap,

    /// <summary>The API did not answer within <see cref="GrowthBookClientOptions.InitializationTimeout"/> and there is nothing else to serve (features are unknown until it answers).</summary>
    TimedOut,

    /// <summary>The API failed and there is nothing else to serve; <see cref="InitializationResult.Error"/> says why.</summary>
    Failed,

    /// <summary>The client's <see cref="GrowthBookClientOptions.CustomPayloadSource"/> offered a payload, which is served.</summary>
    Custom,
}

/// <summary>The outcome of initialising a client.</summary>
/// <param name="Status">How it initialised.</param>
/// <param name="Source">Where the payload now served came from.</param>
/// <param name="Error">The last error, when the API could not be used.</param>
public sealed record InitializationResult(InitializationStatus Status, PayloadSource Source, Exception? Error = null)
{
    /// <summary>True when a payload is being served (from the network, the cache, the bootstrap or a custom source).</summary>
    public bool Success => Source != PayloadSource.None;
}
