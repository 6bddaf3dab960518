using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// The client's log messages. None of them carries the client key, the decryption key, a URL with the key in it,
/// or payload contents.
/// </summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "GrowthBook payload loaded from {Source} (dateUpdated {DateUpdated}, {FeatureCount} features)")]
    public static partial void PayloadLoaded(ILogger logger, PayloadSource source, string? dateUpdated, int featureCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "GrowthBook payload unchanged ({Reason}); freshness extended")]
    public static partial void PayloadUnchanged(ILogger logger, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "GrowthBook features request failed: {Problem}. Serving the previous payload ({Source}).")]
    public static partial void FetchFailed(ILogger logger, string problem, PayloadSource source);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "GrowthBook payload could not be decrypted ({Reason}). Check the decryption key. Serving the previous payload ({Source}).")]
    public static partial void DecryptionFailed(ILogger logger, DecryptionFailure reason, PayloadSource source);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "GrowthBook stream connected")]
    public static partial void StreamConnected(ILogger logger);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "GrowthBook stream lost: {Problem}. Reconnecting in {Delay} (attempt {Attempt}); polling meanwhile.")]
    public static partial void StreamLost(ILogger logger, string problem, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "GrowthBook bootstrap payload could not be loaded: {Problem}")]
    public static partial void BootstrapFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "GrowthBook feature cache failed: {Problem}")]
    public static partial void CacheFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "GrowthBook remote evaluation failed: {Problem}")]
    public static partial void RemoteEvalFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, Message = "A GrowthBook PayloadChanged handler threw; the new payload is served and the other handlers were called")]
    public static partial void ChangeHandlerFailed(ILogger logger, Exception exception);
}
