namespace GrowthBook.FeatureManagement;

/// <summary>Raised once per effective payload change.</summary>
public sealed class PayloadChangedEventArgs(GrowthBookPayload previous, GrowthBookPayload current, PayloadSource source) : EventArgs
{
    /// <summary>The payload served before.</summary>
    public GrowthBookPayload Previous { get; } = previous;

    /// <summary>The payload served now.</summary>
    public GrowthBookPayload Current { get; } = current;

    /// <summary>Where the new payload came from.</summary>
    public PayloadSource Source { get; } = source;
}
