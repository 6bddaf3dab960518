using Microsoft.Extensions.Hosting;

namespace GrowthBook.FeatureManagement;

/// <summary>Initialises the shared <see cref="GrowthBookClient"/> when the host starts (bounded by its initialisation timeout; never fails the host).</summary>
internal sealed class GrowthBookInitializationService(GrowthBookClient client) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await client.InitializeAsync(cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
