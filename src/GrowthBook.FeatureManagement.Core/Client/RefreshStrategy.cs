namespace GrowthBook.FeatureManagement;

/// <summary>How a <see cref="GrowthBookClient"/> keeps its payload current after it has initialised.</summary>
public enum RefreshStrategy
{
    /// <summary>
    /// Serve the cached payload; once it is older than <see cref="GrowthBookClientOptions.CacheTtl"/>, keep serving it
    /// and refresh in the background (one refresh at a time). Switches to streaming when the API says it supports it.
    /// </summary>
    StaleWhileRevalidate,

    /// <summary>Hold a server-sent-events stream open (<c>/sub/{clientKey}</c>) and apply updates as they arrive; poll while it is down.</summary>
    ServerSentEvents,

    /// <summary>Fetch every <see cref="GrowthBookClientOptions.PollingInterval"/>, backing off on errors.</summary>
    Polling,

    /// <summary>Never refresh after initialisation (<see cref="GrowthBookClient.RefreshAsync"/> still works).</summary>
    None,
}
