namespace GrowthBook.FeatureManagement;

/// <summary>
/// The names GrowthBook.FeatureManagement reports under: subscribe to them with OpenTelemetry
/// (<c>AddSource(GrowthBookTelemetry.ActivitySourceName)</c>, <c>AddMeter(GrowthBookTelemetry.MeterName)</c>) or with
/// an <see cref="System.Diagnostics.ActivityListener"/> / <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public static class GrowthBookTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of <see cref="ActivityTelemetryPublisher"/>: <c>GrowthBook.FeatureManagement</c>.</summary>
    public const string ActivitySourceName = "GrowthBook.FeatureManagement";

    /// <summary>
    /// Microsoft.FeatureManagement's own source name. <see cref="ActivityTelemetryPublisher"/> also reports there, in
    /// Microsoft.FeatureManagement's <c>FeatureEvaluation</c> activity / <c>FeatureFlag</c> event shape, so its
    /// telemetry listeners (Application Insights, Azure Monitor) see GrowthBook evaluations too.
    /// </summary>
    public const string FeatureManagementActivitySourceName = "Microsoft.FeatureManagement";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> with the client's counters: <c>GrowthBook.FeatureManagement</c>.</summary>
    public const string MeterName = "GrowthBook.FeatureManagement";

    /// <summary>The value of <c>feature_flag.provider.name</c>: <c>GrowthBook</c>.</summary>
    public const string ProviderName = "GrowthBook";
}
