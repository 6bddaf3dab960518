using System.Security.Cryptography;
using System.Text;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Hashing of GrowthBook's <c>secureString</c> and <c>secureString[]</c> attributes. With secure attribute hashing on
/// in the SDK connection, the payload's conditions hold SHA-256 hashes of salt + value instead of the values; the SDK
/// must hash the user's values the same way. Set <see cref="GrowthBookClientOptions.SecureAttributes"/> and
/// <see cref="GrowthBookClientOptions.SecureAttributeSalt"/> to have the client do it, or call these helpers yourself.
/// </summary>
public static class SecureAttributes
{
    /// <summary>
    /// The lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="salt"/> followed by <paramref name="value"/>
    /// (Python: <c>hashlib.sha256(f"{salt}{value}".encode()).hexdigest()</c>).
    /// </summary>
    public static string Hash(string value, string salt)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(salt);
        var bytes = Encoding.UTF8.GetBytes(salt + value);
        return Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }

    /// <summary>
    /// A copy of <paramref name="attributes"/> with the named attributes hashed: a string becomes its hash, an array
    /// becomes an array with each string hashed. Other values (numbers, booleans, null, objects, and non-string items
    /// of an array) are left as they are, and names that are absent are ignored.
    /// </summary>
    public static GrowthBookAttributes Hash(GrowthBookAttributes attributes, IEnumerable<string> names, string salt)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(salt);
        var result = attributes;
        foreach (var name in names)
        {
            if (result.Values.TryGetValue(name, out var value) && Hashed(value, salt) is { } hashed)
            {
                result = result.WithValue(name, hashed);
            }
        }

        return result;
    }

    // The hashed form of a secureString / secureString[] value; null when there is nothing to hash.
    private static JsValue? Hashed(JsValue value, string salt)
    {
        switch (value.Type)
        {
            case JsType.String:
                return JsValue.String(Hash(value.StringValue, salt));
            case JsType.Array:
                var items = value.ArrayValue;
                var hashed = new JsValue[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    hashed[i] = items[i].Type == JsType.String ? JsValue.String(Hash(items[i].StringValue, salt)) : items[i];
                }

                return JsValue.Array(hashed);
            default:
                return null;
        }
    }
}
