using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// Payloads whose every value encodes the payload version, so a reader can tell which whole payload an answer came
/// from: feature <c>fK</c> answers <c>version·1000 + K·10 + kind</c>, kind 1 for users in group "a" (a force rule),
/// else 2 or 3 (the user's variation of an experiment whose hashing never changes between versions).
/// </summary>
internal static class VersionedPayload
{
    public const int Features = 5;

    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string DateUpdated(int version) => Epoch.AddSeconds(version).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Json(int version)
    {
        var sb = new StringBuilder("{\"status\":200,\"dateUpdated\":\"").Append(DateUpdated(version)).Append("\",\"features\":{");
        for (var k = 0; k < Features; k++)
        {
            var b = (version * 1000) + (k * 10);
            sb.Append(CultureInfo.InvariantCulture, $"{(k == 0 ? "" : ",")}\"f{k}\":{{\"defaultValue\":{b},\"rules\":[")
              .Append(CultureInfo.InvariantCulture, $"{{\"condition\":{{\"group\":\"a\"}},\"force\":{b + 1}}},")
              .Append(CultureInfo.InvariantCulture, $"{{\"key\":\"e{k}\",\"seed\":\"s{k}\",\"hashAttribute\":\"id\",\"variations\":[{b + 2},{b + 3}],\"weights\":[0.5,0.5]}}]}}");
        }

        return sb.Append("}}").ToString();
    }

    /// <summary>The version a value came from; -1 when the value is not one of this scheme's.</summary>
    public static int VersionOf(int value) => value >= 0 ? value / 1000 : -1;

    /// <summary>Whether <paramref name="value"/> is what feature <paramref name="k"/> gives a user of that group and variation, in its version.</summary>
    public static bool IsConsistent(int value, int k, bool groupA, int variation)
    {
        var expectedKind = groupA ? 1 : 2 + variation;
        return value >= 0 && (value % 1000) / 10 == k && value % 10 == expectedKind;
    }

    /// <summary>A test user: id, and group "a" for every third one.</summary>
    public static UserContext User(int i) => new()
    {
        Attributes = GrowthBookAttributes.From([new("id", "user-" + i.ToString(CultureInfo.InvariantCulture)), new("group", i % 3 == 0 ? "a" : "b"), new("email", CapturedOutput.SecureEmail)]),
    };

    public static bool InGroupA(int i) => i % 3 == 0;
}
