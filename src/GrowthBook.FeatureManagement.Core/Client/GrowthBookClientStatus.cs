namespace GrowthBook.FeatureManagement;

/// <summary>
/// What a <see cref="GrowthBookClient"/> knows about its own state at one moment (<see cref="GrowthBookClient.Status"/>):
/// facts for health checks and diagnostics, gathered without any I/O.
/// </summary>
public sealed class GrowthBookClientStatus
{
    /// <summary>Where the payload served came from; <see cref="PayloadSource.None"/> before any payload.</summary>
    public PayloadSource Source { get; init; }

    /// <summary>The served payload's <c>dateUpdated</c>, when it has one.</summary>
    public string? DateUpdated { get; init; }

    /// <summary>How many features the served payload holds.</summary>
    public int FeatureCount { get; init; }

    /// <summary>When the served payload was fetched, loaded, or last confirmed unchanged by the API; null before any payload.</summary>
    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>
    /// Whether the payload is known to be current: the stream is connected, or the API confirmed it less than
    /// <see cref="GrowthBookClientOptions.CacheTtl"/> ago.
    /// </summary>
    public bool IsFresh { get; init; }

    /// <summary>Whether the client talks to the API at all (a client key is configured); false: offline on its bootstrap payload.</summary>
    public bool IsOnline { get; init; }

    /// <summary>How the client keeps the payload current.</summary>
    public RefreshStrategy RefreshStrategy { get; init; }

    /// <summary>The bootstrap file, when one is configured.</summary>
    public string? BootstrapFile { get; init; }

    /// <summary>The server-sent-events stream's state.</summary>
    public StreamState Stream { get; init; }

    /// <summary>While the stream is <see cref="StreamState.Reconnecting"/>: when the next connection attempt is due.</summary>
    public DateTimeOffset? StreamRetryAt { get; init; }

    /// <summary>When the API last answered with a payload or a 304, or the stream last delivered any bytes; null: never.</summary>
    public DateTimeOffset? LastContactAt { get; init; }

    /// <summary>The last failure (fetch, stream, decryption, invalid payload), until a payload is fetched or streamed again.</summary>
    public Exception? LastError { get; init; }

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>Whether a fetch is under way now.</summary>
    public bool IsRefreshing { get; init; }

    /// <summary>Whether <see cref="GrowthBookClient.InitializeAsync"/> has finished.</summary>
    public bool IsInitialized { get; init; }

    /// <summary>When this status was taken, on the client's clock (ages are measured from it).</summary>
    public DateTimeOffset ObservedAt { get; init; }
}
