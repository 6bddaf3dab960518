using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>
/// Where a <see cref="GrowthBookScope"/> reports what its evaluations observe beyond its own callbacks: the shared
/// client implements it (client-wide dedupe, callbacks, telemetry and its background queue), so the scope needs to
/// know nothing of the client.
/// </summary>
internal interface ITrackingSink
{
    /// <summary>Whether the sink wants exposures and feature usage now (read on every evaluation).</summary>
    bool IsTracking { get; }

    /// <summary>Where the scope logs its callbacks' failures when it has no logger of its own.</summary>
    ILogger Logger { get; }

    void OnExperimentViewed(Experiment experiment, ExperimentResult result, UserContext user);

    void OnFeatureUsage(string key, FeatureResult result, UserContext user);

    /// <summary>Runs a scope's async callback in the background, never on the evaluating thread.</summary>
    void RunInBackground(string callback, Func<CancellationToken, ValueTask> work);
}
