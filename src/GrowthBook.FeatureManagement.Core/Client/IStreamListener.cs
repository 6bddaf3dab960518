namespace GrowthBook.FeatureManagement.Client;

/// <summary>What a <see cref="StreamLoop"/> reports; the <see cref="RefreshScheduler"/> implements it. Calls must not block.</summary>
internal interface IStreamListener
{
    /// <summary>A connection was (re)opened: what changed while it was down must be fetched.</summary>
    void OnConnected();

    /// <summary>Bytes arrived (an event, an empty ping, a comment line): the server is there.</summary>
    void OnActivity();

    /// <summary>A <c>features</c> event: the full payload, not yet parsed.</summary>
    void OnFeatures(byte[] payload);

    /// <summary>A <c>features-updated</c> event: fetch (or, for remote evaluation, drop cached answers).</summary>
    void OnFeaturesUpdated();

    /// <summary>The stream was lost (or could not be opened); the loop reconnects on its own.</summary>
    void OnLost(Exception error);
}
