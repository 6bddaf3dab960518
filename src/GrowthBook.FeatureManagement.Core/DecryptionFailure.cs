namespace GrowthBook.FeatureManagement;

/// <summary>
/// Why an encrypted GrowthBook payload (<c>encryptedFeatures</c>, <c>encryptedExperiments</c>,
/// <c>encryptedSavedGroups</c>, ...) could not be decrypted.
/// </summary>
/// <remarks>
/// The reference SDK reports every one of these as the same <c>"Failed to decrypt"</c> error; the distinction
/// is only there to make a misconfiguration easier to find. None of them ever carries the key or the plaintext.
/// </remarks>
public enum DecryptionFailure
{
    /// <summary>No failure: the payload was decrypted (or, on an exception built without a reason, the reason is not specified).</summary>
    None = 0,

    /// <summary>
    /// The encrypted string is not <c>base64(iv) + "." + base64(ciphertext)</c>: the <c>'.'</c> is missing, the
    /// ciphertext is not valid base64, or it is not a positive multiple of the 16-byte AES block size.
    /// </summary>
    MalformedCiphertext = 1,

    /// <summary>
    /// The decryption key is not valid base64, or does not decode to 16, 24 or 32 bytes
    /// (AES-128, AES-192 or AES-256).
    /// </summary>
    InvalidKey = 2,

    /// <summary>The initialization vector (the part before the <c>'.'</c>) is not valid base64 or does not decode to 16 bytes.</summary>
    InvalidIv = 3,

    /// <summary>
    /// Everything was well formed but the decrypted data has invalid PKCS#7 padding: the key is not the one the
    /// payload was encrypted with, or the payload was corrupted.
    /// </summary>
    WrongKeyOrCorrupted = 4,

    /// <summary>The payload has encrypted sections but no decryption key is configured.</summary>
    MissingKey = 5,

    /// <summary>The section decrypted, but its plaintext is not valid JSON (a wrong or stale key can cause this too).</summary>
    InvalidJson = 6,
}
