using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// Sticky-bucket store problems. Never logged: attribute values, document keys, or exception messages (a store's
/// exception can quote the keys it was reading, and keys hold user ids): exceptions are logged redacted, with their
/// type and stack trace.
/// </summary>
internal static partial class StickyBucketLog
{
    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "GrowthBook sticky-bucket store {Store} failed to load documents; evaluating without sticky bucketing")]
    public static partial void LoadFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "GrowthBook sticky-bucket store {Store} did not answer within {Timeout}; evaluating without sticky bucketing")]
    public static partial void LoadTimedOut(ILogger logger, string store, TimeSpan timeout);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "GrowthBook sticky-bucket store {Store} failed to save an assignment; the user keeps it for this request only")]
    public static partial void SaveFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(EventId = 133, Level = LogLevel.Warning, Message = "GrowthBook sticky-bucket store {Store} did not save an assignment within {Timeout}; the user keeps it for this request only")]
    public static partial void SaveTimedOut(ILogger logger, string store, TimeSpan timeout);
}
