using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>How a payload is read.</summary>
public sealed class GrowthBookPayloadOptions
{
    /// <summary>
    /// The key that decrypts <c>encryptedFeatures</c>, <c>encryptedExperiments</c>, <c>encryptedSavedGroups</c> and
    /// <c>encryptedContextualBandits</c> (base64 AES key from the SDK connection). Never logged.
    /// </summary>
    public string? DecryptionKey { get; init; }

    /// <summary>Where warnings about skipped features and rules go; none when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// The payload the new one replaces, if any. Features (and the saved groups and contextual bandits sections) whose
    /// JSON is byte-identical to this payload's reuse its compiled form instead of being read again, so an update
    /// that changes one feature of thousands costs a small fraction of a full load. The result is the same as
    /// without it; only the work differs. The new payload keeps no reference to this one.
    /// </summary>
    public GrowthBookPayload? Previous { get; init; }
}
