namespace GrowthBook.FeatureManagement;

/// <summary>Where the payload a client serves came from.</summary>
public enum PayloadSource
{
    /// <summary>No payload yet: every feature is unknown.</summary>
    None,

    /// <summary>The bootstrap payload or file from the options (offline / embedded default).</summary>
    Bootstrap,

    /// <summary>The feature cache (last known good), from an earlier fetch by this or another instance.</summary>
    Cache,

    /// <summary>A fetch from the GrowthBook API.</summary>
    Network,

    /// <summary>A server-sent event.</summary>
    Stream,

    /// <summary>The client's <see cref="GrowthBookClientOptions.CustomPayloadSource"/> (a source of your own, or test data).</summary>
    Custom,
}
