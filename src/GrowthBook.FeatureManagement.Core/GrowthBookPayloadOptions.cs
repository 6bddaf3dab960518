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
}
