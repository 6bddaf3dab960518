namespace GrowthBook.FeatureManagement;

/// <summary>One batch of events handed to <see cref="BatchingTrackingPlugin.SendAsync"/>.</summary>
/// <param name="id">The batch's id: the same on every attempt, so a sink can drop a retry it already accepted.</param>
/// <param name="events">The events, oldest first.</param>
/// <param name="attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
public sealed class TrackingBatch(string id, IReadOnlyList<GrowthBookTelemetryEvent> events, int attempt)
{
    /// <summary>The batch's id (32 hex digits), the same on every attempt.</summary>
    public string Id { get; } = id;

    /// <summary>The events, oldest first.</summary>
    public IReadOnlyList<GrowthBookTelemetryEvent> Events { get; } = events;

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; } = attempt;
}
