namespace GrowthBook.FeatureManagement.Telemetry;

/// <summary>An async callback to run on the telemetry queue, off the request that evaluated.</summary>
/// <param name="Callback">The callback's name, for the log when it throws (never its arguments).</param>
/// <param name="Run">The work.</param>
internal sealed record BackgroundWork(string Callback, Func<CancellationToken, ValueTask> Run);
