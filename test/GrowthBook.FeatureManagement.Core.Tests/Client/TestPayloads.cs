using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>Payloads in the <c>/api/features</c> shape, plain or encrypted as GrowthBook encrypts them.</summary>
internal static class TestPayloads
{
    /// <summary>A payload whose features each have only a default value.</summary>
    public static string Flags(string dateUpdated, params (string Key, object? Value)[] features)
    {
        var map = new JsonObject();
        foreach (var (key, value) in features)
        {
            map[key] = new JsonObject { ["defaultValue"] = JsonValue(value) };
        }

        return WithFeatures(dateUpdated, map);
    }

    /// <summary>A payload from a features object given as JSON text.</summary>
    public static string WithFeatures(string dateUpdated, JsonNode features)
        => new JsonObject { ["status"] = 200, ["features"] = features.DeepClone(), ["dateUpdated"] = dateUpdated }.ToJsonString();

    /// <summary>The payload GrowthBook sends for an encrypted connection: empty <c>features</c> and <c>encryptedFeatures</c>.</summary>
    public static string EncryptedFlags(string key, string dateUpdated, params (string Key, object? Value)[] features)
    {
        var plain = JsonNode.Parse(Flags(dateUpdated, features))!["features"]!.ToJsonString();
        return new JsonObject
        {
            ["status"] = 200,
            ["features"] = new JsonObject(),
            ["experiments"] = new JsonArray(),
            ["encryptedFeatures"] = Encrypt(plain, key),
            ["dateUpdated"] = dateUpdated,
        }.ToJsonString();
    }

    /// <summary>A new random AES-128 key, base64 as GrowthBook shows it.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>AES-CBC with a random IV: <c>base64(iv).base64(ciphertext)</c>.</summary>
    public static string Encrypt(string plaintext, string key)
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(key);
        var iv = RandomNumberGenerator.GetBytes(16);
        var ciphertext = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        return Convert.ToBase64String(iv) + "." + Convert.ToBase64String(ciphertext);
    }

    private static JsonNode? JsonValue(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => System.Text.Json.Nodes.JsonValue.Create(s),
        bool b => System.Text.Json.Nodes.JsonValue.Create(b),
        int i => System.Text.Json.Nodes.JsonValue.Create(i),
        double d => System.Text.Json.Nodes.JsonValue.Create(d),
        _ => throw new ArgumentException("unsupported value " + value.GetType()),
    };
}
