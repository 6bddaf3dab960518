using System.Security.Cryptography;
using System.Text;
using GrowthBook.FeatureManagement.Decryption;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Decryption;

[TestFixture]
public class PayloadDecryptorTests
{
    private static readonly byte[] Key128 = Bytes(16, 0x11);
    private static readonly byte[] OtherKey128 = Bytes(16, 0x22);
    private static readonly byte[] Iv = Bytes(16, 0x33);
    private static readonly string KeyText = Convert.ToBase64String(Key128);

    private static readonly string ValidPayload = Encrypt(Key128, Iv, """{"feature":{"defaultValue":true}}""");

    [TestCase(16)]
    [TestCase(24)]
    [TestCase(32)]
    public void Decrypt_ReturnsWhatAesCbcEncrypted_ForEveryAesKeySize(int keyBytes)
    {
        var key = Bytes(keyBytes, 0x5A);
        const string json = """{"feature":{"defaultValue":true,"rules":[]}}""";

        var plaintext = PayloadDecryptor.Decrypt(Encrypt(key, Iv, json), Convert.ToBase64String(key));

        Assert.That(plaintext, Is.EqualTo(json));
    }

    [Test]
    public void Decrypt_RoundTripsNonAsciiText()
    {
        const string text = "{\"name\":\"Grüße, 世界 — naïve café 👋🏽\",\"nbsp\":\"a\u00a0b\"}";

        Assert.That(PayloadDecryptor.Decrypt(Encrypt(Key128, Iv, text), KeyText), Is.EqualTo(text));
    }

    [Test]
    public void Decrypt_RoundTripsEmptyPlaintext_WhichIsOneFullPaddingBlock()
    {
        var encrypted = Encrypt(Key128, Iv, "");

        Assert.That(PayloadDecryptor.Decrypt(encrypted, KeyText), Is.Empty);
    }

    [Test]
    public void Decrypt_DoesNotParseJson_BrokenJsonIsReturnedAsIs()
    {
        // The "Broken JSON" vector of the spec suite, encrypted by GrowthBook itself.
        var plaintext = PayloadDecryptor.Decrypt(
            "SVZIM2oKD1JoHNIeeoW3Uw==.AGbRiGAHf2f6/ziVr9UTIy+bVFmVli6+bHZ2jnCm9N991ITv1ROvOEjxjLSmgEpv",
            "UQD0Qqw7fM1bhfKKPH8TGw==");

        Assert.That(plaintext, Is.EqualTo("{\"feature\":{\"defaultValue\":true?5%"));
    }

    [Test]
    public void Decrypt_ReplacesInvalidUtf8WithReplacementCharacters_LikeTextDecoder()
    {
        // Truncated sequences, a UTF-16 surrogate encoded in UTF-8 and a byte that is never valid. The expected
        // value is what `new TextDecoder().decode(bytes)` returns in Node.
        byte[] bytes = [0x41, 0xC3, 0x28, 0xE2, 0x82, 0xF0, 0x9F, 0x98, 0xED, 0xA0, 0x80, 0xFF, 0x42];

        var plaintext = PayloadDecryptor.Decrypt(Encrypt(Key128, Iv, bytes), KeyText);

        Assert.That(plaintext, Is.EqualTo("A\uFFFD(\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDB"));
    }

    [Test]
    public void Decrypt_RemovesOneLeadingByteOrderMark_LikeTextDecoder()
    {
        byte[] oneBom = [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'];
        byte[] twoBoms = [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'];

        Assert.Multiple(() =>
        {
            Assert.That(PayloadDecryptor.Decrypt(Encrypt(Key128, Iv, oneBom), KeyText), Is.EqualTo("{}"));
            Assert.That(PayloadDecryptor.Decrypt(Encrypt(Key128, Iv, twoBoms), KeyText), Is.EqualTo("\uFEFF{}"));
        });
    }

    [Test]
    public void Decrypt_DecodesBase64LikeAtob_UnpaddedAndWithWhitespace()
    {
        var parts = ValidPayload.Split('.');
        var unpadded = parts[0].TrimEnd('=') + "." + parts[1].TrimEnd('=');
        var spaced = " " + parts[0][..5] + "\n\t" + parts[0][5..] + "\r\n.\f" + parts[1] + " ";
        var keyUnpadded = KeyText.TrimEnd('=');
        var keySpaced = KeyText[..8] + " \n" + KeyText[8..];

        Assert.Multiple(() =>
        {
            Assert.That(PayloadDecryptor.Decrypt(unpadded, keyUnpadded), Is.EqualTo("""{"feature":{"defaultValue":true}}"""));
            Assert.That(PayloadDecryptor.Decrypt(spaced, keySpaced), Is.EqualTo("""{"feature":{"defaultValue":true}}"""));
        });
    }

    [Test]
    public void Decrypt_IgnoresEverythingAfterASecondDot_LikeJsSplit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PayloadDecryptor.Decrypt(ValidPayload + ".", KeyText), Is.EqualTo("""{"feature":{"defaultValue":true}}"""));
            Assert.That(PayloadDecryptor.Decrypt(ValidPayload + ".!not base64!", KeyText), Is.EqualTo("""{"feature":{"defaultValue":true}}"""));
        });
    }

    [Test]
    public void Decrypt_ReportsTheKeyFirst_WhenBothKeyAndPayloadAreBad()
    {
        var ex = Assert.Throws<GrowthBookDecryptionException>(() => PayloadDecryptor.Decrypt("no delimiter", "%%%"));

        Assert.That(ex!.Reason, Is.EqualTo(DecryptionFailure.InvalidKey));
    }

    [TestCaseSource(nameof(Failures))]
    public void Decrypt_Throws_WithTheReason(string encrypted, string key, DecryptionFailure reason)
    {
        var ex = Assert.Throws<GrowthBookDecryptionException>(() => PayloadDecryptor.Decrypt(encrypted, key));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(reason));
            Assert.That(ex.Message, Is.Not.Empty);
        });
    }

    [TestCaseSource(nameof(Failures))]
    public void Decrypt_NeverPutsTheKeyOrThePayloadInTheException(string encrypted, string key, DecryptionFailure reason)
    {
        var ex = Assert.Throws<GrowthBookDecryptionException>(() => PayloadDecryptor.Decrypt(encrypted, key));
        var everything = ex!.ToString(); // message, inner exceptions and stack traces

        Assert.Multiple(() =>
        {
            foreach (var secret in SecretsOf(encrypted, key))
            {
                Assert.That(everything, Does.Not.Contain(secret), $"the exception ({reason}) leaks an input");
            }
        });
    }

    [Test]
    public void Decrypt_WithWrongKey_NeverPutsTheKeyOrTheRealPlaintextInTheException()
    {
        const string secretPlaintext = "top-secret-feature-definitions";
        var encrypted = Encrypt(Key128, Iv, secretPlaintext);
        var wrongKey = Convert.ToBase64String(OtherKey128);

        var ex = Assert.Throws<GrowthBookDecryptionException>(() => PayloadDecryptor.Decrypt(encrypted, wrongKey));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(DecryptionFailure.WrongKeyOrCorrupted));
            Assert.That(ex.Message, Does.Contain("bad padding"));
            Assert.That(ex.ToString(), Does.Not.Contain(wrongKey));
            Assert.That(ex.ToString(), Does.Not.Contain(KeyText));
            Assert.That(ex.ToString(), Does.Not.Contain(secretPlaintext));
        });
    }

    [Test]
    public void NullArguments_ThrowArgumentNullException()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => PayloadDecryptor.Decrypt(null!, KeyText));
            Assert.Throws<ArgumentNullException>(() => PayloadDecryptor.Decrypt(ValidPayload, null!));
        });
    }

    [Test]
    public void Exception_Constructors_SetReasonMessageAndInnerException()
    {
        var inner = new CryptographicException("inner");

        Assert.Multiple(() =>
        {
            Assert.That(new GrowthBookDecryptionException().Reason, Is.EqualTo(DecryptionFailure.None));
            Assert.That(new GrowthBookDecryptionException().Message, Is.Not.Empty);
            Assert.That(new GrowthBookDecryptionException("m").Message, Is.EqualTo("m"));
            Assert.That(new GrowthBookDecryptionException("m", inner).InnerException, Is.SameAs(inner));
            Assert.That(new GrowthBookDecryptionException("m", DecryptionFailure.InvalidIv).Reason, Is.EqualTo(DecryptionFailure.InvalidIv));
            var full = new GrowthBookDecryptionException("m", DecryptionFailure.WrongKeyOrCorrupted, inner);
            Assert.That(full.Reason, Is.EqualTo(DecryptionFailure.WrongKeyOrCorrupted));
            Assert.That(full.InnerException, Is.SameAs(inner));
        });
    }

    private static IEnumerable<TestCaseData> Failures()
    {
        var parts = ValidPayload.Split('.');
        string iv = parts[0], body = parts[1];

        // InvalidKey: not base64 (atob rejects '%', '-', '_', a misplaced '='), or not 16/24/32 bytes.
        yield return Case("key not base64", ValidPayload, "Zvwv/%!(pFDznZ6SX39Yjg==", DecryptionFailure.InvalidKey);
        yield return Case("key url-safe base64", ValidPayload, "ERERERERER-_EREREREREQ==", DecryptionFailure.InvalidKey);
        yield return Case("key with three '='", ValidPayload, KeyText + "=", DecryptionFailure.InvalidKey);
        yield return Case("key of 15 bytes", ValidPayload, Convert.ToBase64String(Bytes(15, 0x11)), DecryptionFailure.InvalidKey);
        yield return Case("key of 20 bytes", ValidPayload, Convert.ToBase64String(Bytes(20, 0x11)), DecryptionFailure.InvalidKey);
        yield return Case("key of 64 bytes", ValidPayload, Convert.ToBase64String(Bytes(64, 0x11)), DecryptionFailure.InvalidKey);
        yield return Case("empty key", ValidPayload, "", DecryptionFailure.InvalidKey);

        // InvalidIv: not base64, or not 16 bytes.
        yield return Case("iv not base64", "ERER*&(REREREREREREREQ==." + body, KeyText, DecryptionFailure.InvalidIv);
        yield return Case("iv of 12 bytes", Convert.ToBase64String(Bytes(12, 0x33)) + "." + body, KeyText, DecryptionFailure.InvalidIv);
        yield return Case("iv of 17 bytes", Convert.ToBase64String(Bytes(17, 0x33)) + "." + body, KeyText, DecryptionFailure.InvalidIv);
        yield return Case("empty iv", "." + body, KeyText, DecryptionFailure.InvalidIv);

        // MalformedCiphertext: no '.', body not base64, or not a positive multiple of 16 bytes.
        yield return Case("no delimiter", iv + body, KeyText, DecryptionFailure.MalformedCiphertext);
        yield return Case("empty string", "", KeyText, DecryptionFailure.MalformedCiphertext);
        yield return Case("body not base64", iv + "." + body[..10] + "!*&()" + body[15..], KeyText, DecryptionFailure.MalformedCiphertext);
        yield return Case("empty body", iv + ".", KeyText, DecryptionFailure.MalformedCiphertext);
        yield return Case("body of 15 bytes", iv + "." + Convert.ToBase64String(Bytes(15, 0x44)), KeyText, DecryptionFailure.MalformedCiphertext);
        yield return Case("body of 33 bytes", iv + "." + Convert.ToBase64String(Bytes(33, 0x44)), KeyText, DecryptionFailure.MalformedCiphertext);

        // WrongKeyOrCorrupted: well formed, but the PKCS#7 padding does not check out.
        yield return Case("wrong key", ValidPayload, Convert.ToBase64String(OtherKey128), DecryptionFailure.WrongKeyOrCorrupted);
        yield return Case("corrupted body", Corrupted(ValidPayload), KeyText, DecryptionFailure.WrongKeyOrCorrupted);
        yield return Case("padding bytes differ", Encrypt(Key128, Iv, [.. Bytes(14, 0x41), 0x03, 0x02], PaddingMode.None), KeyText, DecryptionFailure.WrongKeyOrCorrupted);
        yield return Case("padding byte 0", Encrypt(Key128, Iv, [.. Bytes(15, 0x41), 0x00], PaddingMode.None), KeyText, DecryptionFailure.WrongKeyOrCorrupted);
        yield return Case("padding byte 17", Encrypt(Key128, Iv, [.. Bytes(15, 0x41), 0x11], PaddingMode.None), KeyText, DecryptionFailure.WrongKeyOrCorrupted);

        static TestCaseData Case(string name, string encrypted, string key, DecryptionFailure reason) =>
            new TestCaseData(encrypted, key, reason).SetArgDisplayNames(name);
    }

    // Flips one bit of the second-to-last ciphertext block: in CBC that flips the same bit of the last
    // plaintext byte, which is a padding byte, so the padding is wrong whatever the rest decrypts to.
    private static string Corrupted(string encrypted)
    {
        var parts = encrypted.Split('.');
        var body = Convert.FromBase64String(parts[1]);
        body[^17] ^= 0x01;
        return parts[0] + "." + Convert.ToBase64String(body);
    }

    private static IEnumerable<string> SecretsOf(string encrypted, string key)
    {
        if (key.Length >= 4)
        {
            yield return key;
        }

        foreach (var part in encrypted.Split('.'))
        {
            if (part.Length >= 8)
            {
                yield return part;
            }
        }
    }

    private static string Encrypt(byte[] key, byte[] iv, string plaintext) =>
        Encrypt(key, iv, Encoding.UTF8.GetBytes(plaintext));

    private static string Encrypt(byte[] key, byte[] iv, byte[] plaintext, PaddingMode padding = PaddingMode.PKCS7)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var ciphertext = aes.EncryptCbc(plaintext, iv, padding);
        return Convert.ToBase64String(iv) + "." + Convert.ToBase64String(ciphertext);
    }

    private static byte[] Bytes(int count, byte seed)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)(seed + (i * 7));
        }

        return bytes;
    }
}
