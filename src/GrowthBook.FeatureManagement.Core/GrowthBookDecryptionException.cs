namespace GrowthBook.FeatureManagement;

/// <summary>
/// Thrown when an encrypted GrowthBook payload cannot be decrypted with the configured decryption key.
/// </summary>
/// <remarks>
/// The message says what was wrong (for example "the decryption key is not valid base64") but never contains
/// the key, the IV, the ciphertext or any decrypted data: those are secrets and messages end up in logs.
/// </remarks>
public sealed class GrowthBookDecryptionException : Exception
{
    /// <summary>Creates an exception with a default message and <see cref="Reason"/> <see cref="DecryptionFailure.None"/> (not specified).</summary>
    public GrowthBookDecryptionException()
        : base("The GrowthBook payload could not be decrypted.")
    {
    }

    /// <summary>Creates an exception with the given message and <see cref="Reason"/> <see cref="DecryptionFailure.None"/> (not specified).</summary>
    /// <param name="message">What went wrong. It must not contain the key or any decrypted data.</param>
    public GrowthBookDecryptionException(string? message)
        : base(message)
    {
    }

    /// <summary>
    /// Creates an exception with the given message and inner exception, and <see cref="Reason"/>
    /// <see cref="DecryptionFailure.None"/> (not specified).
    /// </summary>
    /// <param name="message">What went wrong. It must not contain the key or any decrypted data.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public GrowthBookDecryptionException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the given message and reason.</summary>
    /// <param name="message">What went wrong. It must not contain the key or any decrypted data.</param>
    /// <param name="reason">Which part of the input was at fault.</param>
    public GrowthBookDecryptionException(string? message, DecryptionFailure reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with the given message, reason and inner exception.</summary>
    /// <param name="message">What went wrong. It must not contain the key or any decrypted data.</param>
    /// <param name="reason">Which part of the input was at fault.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public GrowthBookDecryptionException(string? message, DecryptionFailure reason, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>
    /// Which part of the input was at fault. <see cref="DecryptionFailure.None"/> only when the exception was
    /// created without a reason.
    /// </summary>
    public DecryptionFailure Reason { get; }
}
