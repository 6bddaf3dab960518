using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// One client's connection to its <see cref="GrowthBookClientOptions.CustomPayloadSource"/>: every offer goes to the
/// <see cref="PayloadStore"/>, the one writer of the payload served, as <see cref="PayloadSource.Custom"/>.
/// </summary>
internal sealed class PayloadSourceConnection(IGrowthBookPayloadSource source, PayloadStore store, TimeProvider time, ILogger logger) : IGrowthBookPayloadSink
{
    // Never disposed: a source may read the token after the client is gone.
    private readonly CancellationTokenSource _disconnected = new();

    public CancellationToken Disconnected => _disconnected.Token;

    /// <summary>The exception the source's <see cref="IGrowthBookPayloadSource.ConnectAsync"/> threw, if any.</summary>
    public Exception? Error { get; private set; }

    public bool Offer(ReadOnlySpan<byte> utf8Json)
        => !_disconnected.IsCancellationRequested
            && store.Apply(utf8Json.ToArray(), PayloadSource.Custom, etag: null, time.GetUtcNow()).Outcome is ApplyOutcome.Applied or ApplyOutcome.Unchanged;

    /// <summary>Asks the source for its payloads; never throws (a failing source is logged).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await source.ConnectAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _disconnected.IsCancellationRequested)
        {
            // The caller gave up, or the client is gone: not a failure of the source.
        }
        catch (Exception e)
        {
            // The source is the app's code: its failure leaves the client without that payload, never crashes it.
            Error = e;
            ClientLog.PayloadSourceFailed(logger, source.GetType().Name, e);
        }
    }

    /// <summary>Tells the source the client is gone; offers are refused from now on.</summary>
    public void Disconnect()
    {
        try
        {
            _disconnected.Cancel();
        }
        catch (AggregateException e)
        {
            ClientLog.PayloadSourceFailed(logger, source.GetType().Name, e);
        }
    }
}
