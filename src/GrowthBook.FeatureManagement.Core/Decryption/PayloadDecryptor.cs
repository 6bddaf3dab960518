using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GrowthBook.FeatureManagement.Decryption;

/// <summary>
/// Decrypts GrowthBook's encrypted payload fields (<c>encryptedFeatures</c>, <c>encryptedExperiments</c>,
/// <c>encryptedSavedGroups</c>, <c>encryptedContextualBandits</c>): a port of <c>decrypt()</c> in the JS SDK's
/// <c>src/util.ts</c>. It returns the decrypted text only; parsing the JSON is the caller's job.
/// </summary>
/// <remarks>
/// <para>
/// The format is <c>base64(iv) + "." + base64(ciphertext)</c>, AES-CBC with PKCS#7 padding, and the key is the
/// base64 of the raw AES key. These details follow the JS SDK (WebCrypto, <c>atob</c>, <c>TextDecoder</c>):
/// </para>
/// <list type="bullet">
/// <item><description>
/// Base64 is decoded like <c>atob</c> (WHATWG "forgiving-base64 decode"), not like
/// <see cref="Convert.FromBase64String(string)"/>: ASCII whitespace (tab, LF, FF, CR, space) is ignored
/// anywhere, the <c>=</c> padding is optional, non-zero trailing bits are ignored, and the URL-safe characters
/// <c>-</c> and <c>_</c> are rejected.
/// </description></item>
/// <item><description>
/// The JS SDK does <c>const [iv, cipherText] = encryptedString.split(".")</c>, so only the first two
/// <c>'.'</c>-separated parts are used and anything after a second <c>'.'</c> is ignored. A missing <c>'.'</c>
/// always fails there (<c>atob(undefined)</c> throws), and fails here.
/// </description></item>
/// <item><description>
/// The key length comes from the key itself (WebCrypto's raw import ignores the <c>length: 128</c> the SDK
/// passes): 16, 24 or 32 bytes, i.e. AES-128, AES-192 or AES-256. GrowthBook generates 16-byte keys. Node,
/// Firefox and Safari accept all three sizes; Chromium's WebCrypto refuses 192-bit keys.
/// </description></item>
/// <item><description>
/// The plaintext is decoded like <c>new TextDecoder().decode(...)</c>: UTF-8, one leading byte order mark
/// removed, and invalid byte sequences replaced by U+FFFD. Invalid UTF-8 is therefore not an error.
/// </description></item>
/// </list>
/// <para>
/// Every failure becomes a <see cref="GrowthBookDecryptionException"/> (the JS SDK throws
/// <c>"Failed to decrypt"</c>) whose <see cref="GrowthBookDecryptionException.Reason"/> says which part was at
/// fault. Messages never contain the key, the IV, the ciphertext or the plaintext.
/// </para>
/// </remarks>
internal static class PayloadDecryptor
{
    private const int BlockSize = 16;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private enum Problem
    {
        None,
        KeyNotBase64,
        KeyLength,
        NoDelimiter,
        IvNotBase64,
        IvLength,
        CiphertextNotBase64,
        CiphertextLength,
        BadPadding,
    }

    /// <summary>Decrypts <paramref name="encrypted"/> with <paramref name="base64Key"/>.</summary>
    /// <param name="encrypted">The encrypted payload field: <c>base64(iv) + "." + base64(ciphertext)</c>.</param>
    /// <param name="base64Key">The SDK connection's decryption key: the base64 of a 16, 24 or 32-byte AES key.</param>
    /// <returns>The decrypted text (JSON in practice, but it is not parsed or checked here).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="GrowthBookDecryptionException">The payload cannot be decrypted with this key.</exception>
    public static string Decrypt(string encrypted, string base64Key)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        ArgumentNullException.ThrowIfNull(base64Key);

        var problem = DecryptCore(encrypted, base64Key, out var plaintext, out var length, out var inner);
        if (problem != Problem.None)
        {
            throw new GrowthBookDecryptionException(Describe(problem, length), ReasonOf(problem), inner);
        }

        return plaintext!;
    }

    /// <summary>
    /// Decodes base64 the way <c>atob</c> does (WHATWG "forgiving-base64 decode"): ASCII whitespace is skipped,
    /// one or two trailing <c>=</c> are removed only when the length (without whitespace) is a multiple of 4,
    /// then a length of 1 modulo 4 or any character outside <c>A–Z a–z 0–9 + /</c> fails, and leftover bits
    /// are discarded.
    /// </summary>
    /// <param name="text">The base64 text.</param>
    /// <returns>The decoded bytes, or <see langword="null"/> if <c>atob</c> would throw.</returns>
    internal static byte[]? DecodeForgivingBase64(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!IsAsciiWhitespace(c))
            {
                count++;
            }
        }

        var padding = 0;
        if (count % 4 == 0)
        {
            // Look at the last two non-whitespace characters.
            for (var i = text.Length - 1; i >= 0 && padding < 2; i--)
            {
                if (IsAsciiWhitespace(text[i]))
                {
                    continue;
                }

                if (text[i] != '=')
                {
                    break;
                }

                padding++;
            }
        }

        var dataChars = count - padding;
        if (dataChars % 4 == 1)
        {
            return null;
        }

        var result = new byte[(dataChars / 4 * 3) + (dataChars % 4 * 3 / 4)];
        int buffer = 0, bits = 0, seen = 0, written = 0;
        foreach (var c in text)
        {
            if (seen == dataChars)
            {
                break; // Only the (already checked) '=' padding and whitespace are left.
            }

            if (IsAsciiWhitespace(c))
            {
                continue;
            }

            var value = SextetOf(c);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                result[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }

            seen++;
        }

        return result;
    }

    private static Problem DecryptCore(
        string encrypted,
        string base64Key,
        out string? plaintext,
        out int length,
        out CryptographicException? inner)
    {
        plaintext = null;
        length = 0;
        inner = null;

        // The key is checked first: a bad key is a configuration error and the most useful thing to report.
        var key = DecodeForgivingBase64(base64Key);
        if (key is null)
        {
            return Problem.KeyNotBase64;
        }

        try
        {
            if (key.Length is not (16 or 24 or 32))
            {
                length = key.Length;
                return Problem.KeyLength;
            }

            var text = encrypted.AsSpan();
            var dot = text.IndexOf('.');
            if (dot < 0)
            {
                return Problem.NoDelimiter;
            }

            var ivText = text[..dot];
            var cipherText = text[(dot + 1)..];
            var secondDot = cipherText.IndexOf('.');
            if (secondDot >= 0)
            {
                cipherText = cipherText[..secondDot]; // JS: const [iv, cipherText] = s.split(".")
            }

            var iv = DecodeForgivingBase64(ivText);
            if (iv is null)
            {
                return Problem.IvNotBase64;
            }

            if (iv.Length != BlockSize)
            {
                length = iv.Length;
                return Problem.IvLength;
            }

            var cipherBytes = DecodeForgivingBase64(cipherText);
            if (cipherBytes is null)
            {
                return Problem.CiphertextNotBase64;
            }

            if (cipherBytes.Length == 0 || cipherBytes.Length % BlockSize != 0)
            {
                length = cipherBytes.Length;
                return Problem.CiphertextLength;
            }

            var plainBuffer = ArrayPool<byte>.Shared.Rent(cipherBytes.Length);
            try
            {
                int written;
                using (var aes = Aes.Create())
                {
                    aes.Key = key;
                    written = aes.DecryptCbc(cipherBytes, iv, plainBuffer, PaddingMode.PKCS7);
                }

                ReadOnlySpan<byte> plain = plainBuffer.AsSpan(0, written);
                if (plain.StartsWith(Utf8Bom))
                {
                    plain = plain[Utf8Bom.Length..]; // TextDecoder removes one leading BOM.
                }

                plaintext = Utf8.GetString(plain);
                return Problem.None;
            }
            catch (CryptographicException e)
            {
                inner = e;
                return Problem.BadPadding;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plainBuffer.AsSpan(0, cipherBytes.Length));
                ArrayPool<byte>.Shared.Return(plainBuffer);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static DecryptionFailure ReasonOf(Problem problem) => problem switch
    {
        Problem.None => DecryptionFailure.None,
        Problem.KeyNotBase64 or Problem.KeyLength => DecryptionFailure.InvalidKey,
        Problem.IvNotBase64 or Problem.IvLength => DecryptionFailure.InvalidIv,
        Problem.NoDelimiter or Problem.CiphertextNotBase64 or Problem.CiphertextLength => DecryptionFailure.MalformedCiphertext,
        _ => DecryptionFailure.WrongKeyOrCorrupted,
    };

    // Only ever describes what was wrong; never includes the key, IV, ciphertext or plaintext.
    private static string Describe(Problem problem, int length) => problem switch
    {
        Problem.KeyNotBase64 =>
            "The decryption key is not valid base64.",
        Problem.KeyLength => string.Create(
            CultureInfo.InvariantCulture,
            $"The decryption key must be the base64 of a 16, 24 or 32-byte AES key, but it decodes to {length} bytes."),
        Problem.NoDelimiter =>
            "The encrypted payload is malformed: it has no '.' between the base64 IV and the base64 ciphertext.",
        Problem.IvNotBase64 =>
            "The encrypted payload's IV (the part before the '.') is not valid base64.",
        Problem.IvLength => string.Create(
            CultureInfo.InvariantCulture,
            $"The encrypted payload's IV must decode to 16 bytes, but it decodes to {length} bytes."),
        Problem.CiphertextNotBase64 =>
            "The encrypted payload's ciphertext (the part after the '.') is not valid base64.",
        Problem.CiphertextLength => string.Create(
            CultureInfo.InvariantCulture,
            $"The encrypted payload's ciphertext must decode to a positive multiple of 16 bytes, but it decodes to {length} bytes."),
        _ =>
            "The payload could not be decrypted with this key (bad padding): the key is not the one the payload was encrypted with, or the payload is corrupted.",
    };

    private static bool IsAsciiWhitespace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };
}
