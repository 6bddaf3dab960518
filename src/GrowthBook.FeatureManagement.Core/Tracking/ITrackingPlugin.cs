namespace GrowthBook.FeatureManagement;

/// <summary>
/// A tracking plugin (the seed's "Tracking Plugins"): receives every experiment exposure — deduped as the
/// <c>OnExperimentViewed</c> callback is — and, when <see cref="ReceivesFeatureUsage"/> is true, every feature
/// evaluation, and sends them somewhere. Add plugins to <see cref="GrowthBookClientOptions.TrackingPlugins"/> (or with
/// <c>AddGrowthBookTrackingPlugin</c> in DI); several can run at once, alongside the callbacks. The client flushes them
/// in <see cref="GrowthBookClient.FlushAsync"/> and disposes them with itself.
/// </summary>
/// <remarks><see cref="BatchingTrackingPlugin"/> is the base to build on: a bounded queue, batches, retries.</remarks>
public interface ITrackingPlugin : IAsyncDisposable
{
    /// <summary>Whether the plugin wants <see cref="FeatureEvaluatedEvent"/>s too. Default false: exposures only.</summary>
    bool ReceivesFeatureUsage => false;

    /// <summary>
    /// Takes one event. Called from the client's background queue, never from the request that evaluated; must return
    /// at once (queue the event, do not send it here). An exception is logged and the event lost for this plugin.
    /// </summary>
    void Track(GrowthBookTelemetryEvent telemetryEvent);

    /// <summary>Sends everything taken so far (retrying as configured) and completes when it is delivered or given up.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
