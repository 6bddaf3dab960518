using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// Reports the GrowthBook client's state: Healthy on a fresh payload from the API or stream; Degraded when serving a
/// stale, cached (last-known-good) or bootstrap payload; Unhealthy before any payload. Data: source, age, last error type.
/// </summary>
public sealed class GrowthBookHealthCheck(GrowthBookClient client, TimeProvider? timeProvider = null) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var source = client.PayloadSource;
        var data = new Dictionary<string, object>
        {
            ["source"] = source.ToString(),
            ["initialized"] = client.IsInitialized,
        };
        if (source != PayloadSource.None)
        {
            data["ageSeconds"] = Math.Round(((timeProvider ?? TimeProvider.System).GetUtcNow() - client.PayloadFetchedAt).TotalSeconds, 1);
            data["dateUpdated"] = client.Payload.DateUpdated ?? "";
        }

        if (client.LastError is { } error)
        {
            data["lastError"] = error.GetType().Name;
        }

        var result = source switch
        {
            PayloadSource.None => HealthCheckResult.Unhealthy("GrowthBook has no payload yet: every feature is unknown.", data: data),
            PayloadSource.Network or PayloadSource.Stream when client.IsPayloadFresh => HealthCheckResult.Healthy("GrowthBook payload is fresh.", data),
            PayloadSource.Network or PayloadSource.Stream => HealthCheckResult.Degraded("GrowthBook is serving a stale payload while it refreshes.", data: data),
            PayloadSource.Cache => HealthCheckResult.Degraded("GrowthBook is serving the last known good payload from the cache.", data: data),
            _ => HealthCheckResult.Degraded("GrowthBook is serving its bootstrap payload.", data: data),
        };
        return Task.FromResult(result);
    }
}
