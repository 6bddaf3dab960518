using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace GrowthBook.FeatureManagement.Telemetry;

/// <summary>
/// The process-wide sources and counters. Every record method first checks that someone listens, so with no
/// listener evaluation pays one field read and allocates nothing.
/// </summary>
internal static class GrowthBookInstruments
{
    private static readonly string Version = typeof(GrowthBookInstruments).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static readonly ActivitySource Source = new(GrowthBookTelemetry.ActivitySourceName, Version);

    // Microsoft.FeatureManagement 4.x creates its source as ("Microsoft.FeatureManagement", "1.0.0"); listeners match the name.
    public static readonly ActivitySource FeatureManagementSource = new(GrowthBookTelemetry.FeatureManagementActivitySourceName, "1.0.0");

    public static readonly Meter Meter = new(GrowthBookTelemetry.MeterName, Version);

    public static readonly Counter<long> Evaluations = Meter.CreateCounter<long>("growthbook.evaluations", "{evaluation}", "Feature evaluations (prerequisite features included).");

    public static readonly Counter<long> Exposures = Meter.CreateCounter<long>("growthbook.exposures", "{exposure}", "Users put in an experiment, before exposure dedupe.");

    public static readonly Counter<long> PayloadRefreshes = Meter.CreateCounter<long>("growthbook.payload.refreshes", "{refresh}", "Payloads fetched or streamed successfully (304 and unchanged payloads included).");

    public static readonly Counter<long> FetchErrors = Meter.CreateCounter<long>("growthbook.fetch.errors", "{error}", "Failed requests for the payload (network, status, timeout, invalid or undecryptable payload).");

    public static readonly Counter<long> StreamReconnects = Meter.CreateCounter<long>("growthbook.stream.reconnects", "{reconnect}", "Times the streaming (SSE) connection was lost and a reconnect scheduled.");

    public static readonly Counter<long> StickyBucketSaveFailures = Meter.CreateCounter<long>("growthbook.sticky_bucket.save_failures", "{failure}", "Sticky-bucket assignments a store failed to save.");

    /// <summary>Whether evaluation must observe features and exposures for the counters.</summary>
    public static bool IsObserving => Evaluations.Enabled || Exposures.Enabled;

    public static void RecordEvaluation(string key, FeatureResult result)
    {
        if (Evaluations.Enabled)
        {
            Evaluations.Add(1, new KeyValuePair<string, object?>("feature_flag.key", key), new KeyValuePair<string, object?>("feature_flag.result.reason", FeatureFlagReasons.Of(result.Source)));
        }
    }

    public static void RecordExposure(Experiment experiment, ExperimentResult result)
    {
        if (Exposures.Enabled)
        {
            Exposures.Add(
                1,
                new KeyValuePair<string, object?>("growthbook.experiment.key", experiment.Key),
                new KeyValuePair<string, object?>("growthbook.experiment.variation_id", result.VariationId.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public static void RecordRefresh(PayloadSource source)
    {
        if (PayloadRefreshes.Enabled)
        {
            PayloadRefreshes.Add(1, new KeyValuePair<string, object?>("growthbook.payload.source", source == PayloadSource.Stream ? "stream" : "network"));
        }
    }

    public static void RecordFetchError(Exception? error)
    {
        if (FetchErrors.Enabled)
        {
            FetchErrors.Add(1, new KeyValuePair<string, object?>("error.type", error?.GetType().FullName ?? "_OTHER"));
        }
    }

    public static void RecordStreamReconnect()
    {
        if (StreamReconnects.Enabled)
        {
            StreamReconnects.Add(1);
        }
    }

    public static void RecordStickyBucketSaveFailure(IStickyBucketService store)
    {
        if (StickyBucketSaveFailures.Enabled)
        {
            StickyBucketSaveFailures.Add(1, new KeyValuePair<string, object?>("growthbook.sticky_bucket.store", store.GetType().Name));
        }
    }
}
