using Microsoft.Extensions.Hosting;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Initialises the shared <see cref="GrowthBookClient"/> when the host starts (bounded by its initialisation timeout; never
/// fails the host), and flushes its tracking when the host stops.
/// </summary>
internal sealed class GrowthBookInitializationService(GrowthBookClient client) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await client.InitializeAsync(cancellationToken).ConfigureAwait(false);

    // Exposures still queued or batched reach their plugins before the host goes away (bounded by the host's shutdown timeout).
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stopped waiting; disposal gives what is left its own bounded chance.
        }
    }
}
