using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Tracking;

/// <summary>Tracking's log messages: names, counts and exception types only — never keys, attribute values or event contents.</summary>
internal static partial class TrackingLog
{
    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "GrowthBook tracking callback {Callback} threw; evaluation went on")]
    public static partial void CallbackFailed(ILogger logger, string callback, Exception exception);

    [LoggerMessage(EventId = 221, Level = LogLevel.Debug, Message = "GrowthBook tracking plugin {Plugin}: batch {BatchId} of {Count} events failed (attempt {Attempt}, {Problem}); retrying in {Delay}")]
    public static partial void BatchRetrying(ILogger logger, string plugin, string batchId, int count, int attempt, string problem, TimeSpan delay);

    [LoggerMessage(EventId = 222, Level = LogLevel.Warning, Message = "GrowthBook tracking plugin {Plugin}: batch {BatchId} of {Count} events given up after {Attempts} attempts ({Problem})")]
    public static partial void BatchFailed(ILogger logger, string plugin, string batchId, int count, int attempts, string problem);

    [LoggerMessage(EventId = 223, Level = LogLevel.Warning, Message = "GrowthBook tracking plugin {Plugin}: queue full, {Dropped} events dropped so far (oldest first)")]
    public static partial void EventsDropped(ILogger logger, string plugin, long dropped);

    [LoggerMessage(EventId = 224, Level = LogLevel.Warning, Message = "GrowthBook tracking plugin {Plugin}: {Count} events not delivered before shutdown")]
    public static partial void GivenUpAtShutdown(ILogger logger, string plugin, long count);
}
