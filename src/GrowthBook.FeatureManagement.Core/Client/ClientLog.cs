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

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "GrowthBook stream lost: {Problem}. Reconnecting in {Delay} (attempt {Attempt}); one fetch follows the reconnection.")]
    public static partial void StreamLost(ILogger logger, string problem, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "GrowthBook bootstrap payload could not be loaded: {Problem}")]
    public static partial void BootstrapFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "GrowthBook feature cache failed; the payload in memory is served")]
    public static partial void CacheFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "GrowthBook remote evaluation failed: {Problem}")]
    public static partial void RemoteEvalFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, Message = "A GrowthBook PayloadChanged handler threw; the new payload is served and the other handlers were called")]
    public static partial void ChangeHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "GrowthBook stops using the {Store} for {BreakDuration}: it is failing. Meanwhile {Fallback}; then one request tries it again.")]
    public static partial void StoreUnavailable(ILogger logger, string store, TimeSpan breakDuration, string fallback, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "GrowthBook's {Store} still fails; tried again in {BreakDuration}")]
    public static partial void StoreStillUnavailable(ILogger logger, string store, TimeSpan breakDuration);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "GrowthBook's {Store} answers again; it is used again")]
    public static partial void StoreRecovered(ILogger logger, string store);

    [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "GrowthBook payload from {Source} (dateUpdated {DateUpdated}) ignored: the payload served, from {ServedSource} (dateUpdated {ServedDateUpdated}), is newer")]
    public static partial void PayloadOutdated(ILogger logger, PayloadSource source, string? dateUpdated, PayloadSource servedSource, string? servedDateUpdated);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "GrowthBook stream event of {Length} bytes refused: over the {Limit}-byte limit (MaxPayloadBytes)")]
    public static partial void StreamEventTooLarge(ILogger logger, long length, long limit);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "GrowthBook's custom payload source {SourceType} failed; the payload served stays as it was")]
    public static partial void PayloadSourceFailed(ILogger logger, string sourceType, Exception exception);

    /// <summary>An error's type and message with the client key removed (URLs in messages would carry it).</summary>
    public static string Describe(Exception e, string? clientKey)
    {
        var message = $"{e.GetType().Name}: {e.Message}";
        return string.IsNullOrEmpty(clientKey) ? message : message.Replace(clientKey, "***", StringComparison.Ordinal);
    }
}
