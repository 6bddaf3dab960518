using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Writes exposures (Information, event id 210) and, while Debug is on, feature evaluations (Debug, 211) to an
/// <see cref="ILogger"/> with category <c>GrowthBook.Tracking</c>. Only keys, variation ids and sources are logged —
/// never attribute values or feature values.
/// </summary>
public sealed partial class LoggerTelemetryPublisher : ITelemetryPublisher
{
    private readonly ILogger _logger;

    /// <summary>Creates the publisher.</summary>
    /// <param name="loggerFactory">Where to log (category <c>GrowthBook.Tracking</c>).</param>
    public LoggerTelemetryPublisher(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("GrowthBook.Tracking");
    }

    /// <summary>True while Information is logged for the category.</summary>
    public bool IsEnabled => _logger.IsEnabled(LogLevel.Information);

    /// <summary>True while Debug is logged for the category.</summary>
    public bool ReceivesEvaluations => _logger.IsEnabled(LogLevel.Debug);

    /// <inheritdoc />
    public ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken)
    {
        switch (telemetryEvent)
        {
            case ExperimentViewedEvent viewed:
                ExperimentViewed(_logger, viewed.Experiment.Key, viewed.Result.VariationId, viewed.Result.Key, viewed.Result.HashAttribute, viewed.Result.FeatureId);
                break;
            case FeatureEvaluatedEvent evaluated:
                FeatureEvaluated(_logger, evaluated.FeatureKey, Telemetry.FeatureFlagReasons.GrowthBookName(evaluated.Result.Source), evaluated.Result.RuleId, evaluated.Result.On);
                break;
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "GrowthBook experiment viewed: {ExperimentKey} variation {VariationId} ({VariationKey}), hashed on {HashAttribute}, feature {FeatureKey}")]
    private static partial void ExperimentViewed(ILogger logger, string experimentKey, int variationId, string variationKey, string hashAttribute, string? featureKey);

    [LoggerMessage(EventId = 211, Level = LogLevel.Debug, Message = "GrowthBook feature evaluated: {FeatureKey} from {Source} (rule {RuleId}), on: {On}")]
    private static partial void FeatureEvaluated(ILogger logger, string featureKey, string source, string ruleId, bool on);
}
