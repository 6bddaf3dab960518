using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// Reports the GrowthBook client's state from <see cref="GrowthBookClient.Status"/>, without any I/O: Unhealthy before
/// any payload; Degraded when the API is not being reached (the last attempt failed, the stream is reconnecting, or
/// only a cached or bootstrap payload has been served since start) or when a payload nothing refreshes has gone stale;
/// Healthy otherwise — including an offline client (no client key) serving its bootstrap payload, or a client served by
/// its custom payload source, which is what they are configured to do. The description says what is happening; the data holds the facts (source, age, last contact,
/// stream state, last error type).
/// </summary>
public sealed class GrowthBookHealthCheck(GrowthBookClient client, TimeProvider? timeProvider = null) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = client.Status;
        var now = timeProvider?.GetUtcNow() ?? status.ObservedAt;
        var data = new Dictionary<string, object>
        {
            ["source"] = status.Source.ToString(),
            ["initialized"] = status.IsInitialized,
            ["fresh"] = status.IsFresh,
            ["stream"] = status.Stream.ToString(),
        };
        if (status.FetchedAt is { } fetchedAt)
        {
            data["ageSeconds"] = Seconds(now - fetchedAt);
            data["dateUpdated"] = status.DateUpdated ?? "";
        }

        if (status.LastContactAt is { } contact)
        {
            data["lastContactSecondsAgo"] = Seconds(now - contact);
        }

        if (status.LastError is { } error)
        {
            data["lastError"] = error.GetType().Name;
        }

        return Task.FromResult(Judge(status, now, data));
    }

    private static HealthCheckResult Judge(GrowthBookClientStatus status, DateTimeOffset now, Dictionary<string, object> data)
    {
        var payload = Describe(status, now);
        if (status.Source == PayloadSource.None)
        {
            var why = status.LastError is { } error ? $" The last attempt failed: {Explain(error)}." : status.IsInitialized ? "" : " The client is still initialising.";
            return HealthCheckResult.Unhealthy("GrowthBook has no payload yet: every feature is unknown." + why, data: data);
        }

        if (status.Source == PayloadSource.Custom)
        {
            return HealthCheckResult.Healthy($"GrowthBook serves {payload}, as configured (CustomPayloadSource): it keeps the payload current.", data);
        }

        if (!status.IsOnline)
        {
            var file = status.BootstrapFile is { } path ? $" from {Path.GetFileName(path)} (watched for changes)" : "";
            return HealthCheckResult.Healthy($"GrowthBook runs offline, as configured (no client key): serving its bundled bootstrap payload{file}, {payload}.", data);
        }

        var contact = status.LastContactAt is { } at ? $"the API last answered {Ago(now - at)} ago" : "the API has not answered since start";
        if (status.LastError is { } failure)
        {
            var when = status.LastErrorAt is { } errorAt ? $" {Ago(now - errorAt)} ago" : "";
            var next = status.Stream == StreamState.Reconnecting ? "; the stream is reconnecting" : status.IsRefreshing ? "; a fetch is under way" : "";
            return HealthCheckResult.Degraded($"GrowthBook's last attempt to update failed ({Explain(failure)},{when}): serving {payload}; {contact}{next}.", data: data);
        }

        if (status.Stream == StreamState.Reconnecting)
        {
            return HealthCheckResult.Degraded($"GrowthBook's stream is reconnecting: serving {payload}; {contact}.", data: data);
        }

        if (status.Source is PayloadSource.Cache or PayloadSource.Bootstrap)
        {
            return HealthCheckResult.Degraded($"GrowthBook is serving {payload}: {contact}.", data: data);
        }

        if (status.Stream == StreamState.Connected)
        {
            return HealthCheckResult.Healthy($"GrowthBook is streaming updates: serving {payload}; {contact}.", data);
        }

        if (status.IsFresh)
        {
            return HealthCheckResult.Healthy($"GrowthBook is serving {payload}.", data);
        }

        return status.RefreshStrategy == RefreshStrategy.StaleWhileRevalidate
            ? HealthCheckResult.Healthy($"GrowthBook is serving {payload}; the next evaluation refreshes it (stale-while-revalidate).", data)
            : HealthCheckResult.Degraded($"GrowthBook is serving {payload}, older than its cache TTL, and nothing refreshes it automatically (RefreshStrategy {status.RefreshStrategy}).", data: data);
    }

    // "the payload from the API (dateUpdated …, N features) confirmed 12 s ago"
    private static string Describe(GrowthBookClientStatus status, DateTimeOffset now)
    {
        var what = status.Source switch
        {
            PayloadSource.Network => "the payload from the API",
            PayloadSource.Stream => "the payload from the stream",
            PayloadSource.Cache => "the last known good payload from the feature cache",
            PayloadSource.Custom => "the payload from its custom payload source",
            _ => "the bootstrap payload",
        };
        var date = status.DateUpdated is { } updated ? $"dateUpdated {updated}, " : "";
        var verb = status.Source switch
        {
            PayloadSource.Network or PayloadSource.Stream => "confirmed",
            PayloadSource.Cache => "fetched",
            _ => "loaded",
        };
        var age = status.FetchedAt is { } at ? $" {verb} {Ago(now - at)} ago" : "";
        return $"{what} ({date}{status.FeatureCount} features){age}";
    }

    // What went wrong, in words that hold no secret: health output is often public, and a message could quote a URL
    // with the client key.
    private static string Explain(Exception error) => error switch
    {
        HttpRequestException { StatusCode: { } code } => string.Create(CultureInfo.InvariantCulture, $"the API answered HTTP {(int)code}"),
        HttpRequestException http => $"network error: {http.HttpRequestError}",
        GrowthBookDecryptionException decryption => $"the payload could not be decrypted: {decryption.Reason}",
        TimeoutException or InvalidDataException => error.Message, // the client's own words
        IOException => "the connection was lost",
        _ => error.GetType().Name,
    };

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 1);

    private static string Ago(TimeSpan span)
        => span < TimeSpan.Zero ? "0 s" : span.TotalSeconds < 120 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s") : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min");
}
