namespace GrowthBook.FeatureManagement;

/// <summary>The state of a client's server-sent-events stream (<see cref="GrowthBookClientStatus.Stream"/>).</summary>
public enum StreamState
{
    /// <summary>The client does not stream: no client key, another refresh strategy, or the API has not announced streaming (yet).</summary>
    NotUsed,

    /// <summary>The first connection is being opened.</summary>
    Connecting,

    /// <summary>Connected: changes arrive as they are published.</summary>
    Connected,

    /// <summary>The stream was lost; the client is reconnecting (with backoff, at most a few seconds apart).</summary>
    Reconnecting,
}
