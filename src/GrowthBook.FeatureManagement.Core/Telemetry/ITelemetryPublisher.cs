using System.Diagnostics;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Receives what GrowthBook evaluation observes: experiment exposures (once per user, experiment and variation) and,
/// when <see cref="ReceivesEvaluations"/> is true, every feature evaluation. Calls come from a background queue,
/// never from the request that evaluated; an exception thrown here is logged and the event dropped.
/// </summary>
/// <remarks>
/// Microsoft.FeatureManagement 4.7 has no telemetry publisher of its own (it existed only in 4.0 previews); this is
/// GrowthBook.FeatureManagement's. Register implementations in DI (<c>services.AddSingleton&lt;ITelemetryPublisher, …&gt;()</c>).
/// </remarks>
public interface ITelemetryPublisher
{
    /// <summary>Whether this publisher wants <see cref="FeatureEvaluatedEvent"/>s (they cost an allocation per evaluation, so they are opt-in).</summary>
    bool ReceivesEvaluations => false;

    /// <summary>
    /// False while nothing would come of publishing (no listener, logging off): evaluation then skips this publisher,
    /// and creates no event for it. Read on every evaluation, so it must be cheap. Default true.
    /// </summary>
    bool IsEnabled => true;

    /// <summary>Publishes one event.</summary>
    ValueTask PublishAsync(GrowthBookTelemetryEvent telemetryEvent, CancellationToken cancellationToken);
}

/// <summary>Something GrowthBook evaluation observed, for one user.</summary>
/// <param name="User">The user it concerns.</param>
/// <param name="Timestamp">When it happened.</param>
public abstract record GrowthBookTelemetryEvent(UserContext User, DateTimeOffset Timestamp)
{
    /// <summary>
    /// The <see cref="Activity"/> current where the evaluation happened (<c>default</c> when there was none): publishers
    /// run later on a background queue, and use it as the parent of what they report so it lands in the request's trace.
    /// </summary>
    public ActivityContext ParentContext { get; init; }
}

/// <summary>A user was put in an experiment (GrowthBook's "Experiment Viewed").</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Result">The user's result.</param>
/// <param name="User">The user.</param>
/// <param name="Timestamp">When.</param>
public sealed record ExperimentViewedEvent(Experiment Experiment, ExperimentResult Result, UserContext User, DateTimeOffset Timestamp)
    : GrowthBookTelemetryEvent(User, Timestamp);

/// <summary>A feature was evaluated for a user (GrowthBook's "Feature Evaluated").</summary>
/// <param name="FeatureKey">The feature.</param>
/// <param name="Result">The result.</param>
/// <param name="User">The user.</param>
/// <param name="Timestamp">When.</param>
public sealed record FeatureEvaluatedEvent(string FeatureKey, FeatureResult Result, UserContext User, DateTimeOffset Timestamp)
    : GrowthBookTelemetryEvent(User, Timestamp);
