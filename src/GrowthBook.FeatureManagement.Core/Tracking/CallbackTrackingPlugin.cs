using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A batching tracking plugin that hands each batch to your callback (the seed's <c>TrackingPlugin(callback=…)</c>):
/// batching, retries and the bounded queue of <see cref="BatchingTrackingPlugin"/> for any analytics system.
/// </summary>
/// <param name="callback">Sends one batch; throwing fails the attempt (it is retried).</param>
/// <param name="options">Batching, retry and queue settings; the defaults when null.</param>
/// <param name="timeProvider">Time for flush intervals and retry delays; the system clock when null.</param>
/// <param name="logger">Where failures, retries and drops are logged.</param>
public sealed class CallbackTrackingPlugin(
    Func<IReadOnlyList<GrowthBookTelemetryEvent>, CancellationToken, ValueTask> callback,
    TrackingPluginOptions? options = null,
    TimeProvider? timeProvider = null,
    ILogger? logger = null)
    : BatchingTrackingPlugin(options, timeProvider, logger)
{
    private readonly Func<IReadOnlyList<GrowthBookTelemetryEvent>, CancellationToken, ValueTask> _callback = callback ?? throw new ArgumentNullException(nameof(callback));

    /// <inheritdoc />
    protected override async Task SendAsync(TrackingBatch batch, CancellationToken cancellationToken)
        => await _callback(batch.Events, cancellationToken).ConfigureAwait(false);
}
