using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The scale payloads of shared/bench/scale (<c>gen.mjs</c>), byte for byte: N features, a third each a targeted force
/// rule (<c>$in</c> + <c>$gt</c>), a 2-way experiment (hash v2, seed, meta, phase), and a JSON value behind a
/// <c>$regex</c> rule; about 170 bytes of JSON a feature.
/// </summary>
internal static class ScalePayloadGenerator
{
    public static byte[] Generate(int count) => Encoding.UTF8.GetBytes(Text(count));

    public static string Text(int count)
    {
        var json = new StringBuilder(count * 180);
        json.Append("{\"status\":200,\"features\":{");
        for (var i = 0; i < count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append("\"f").Append(n).Append("\":");
            json.Append((i % 3) switch
            {
                0 => "{\"defaultValue\":false,\"rules\":[{\"id\":\"fr_" + n + "\",\"condition\":{\"country\":{\"$in\":[\"US\",\"CA\"]},\"age\":{\"$gt\":18}},\"force\":true}]}",
                1 => "{\"defaultValue\":\"a\",\"rules\":[{\"id\":\"fr_" + n + "\",\"key\":\"exp-" + n + "\",\"variations\":[\"a\",\"b\"],\"weights\":[0.5,0.5],\"coverage\":1,"
                     + "\"hashAttribute\":\"id\",\"hashVersion\":2,\"seed\":\"s" + n + "\",\"meta\":[{\"key\":\"0\"},{\"key\":\"1\"}],\"phase\":\"0\"}]}",
                _ => "{\"defaultValue\":{\"color\":\"blue\",\"n\":" + n + "},\"rules\":[{\"id\":\"fr_" + n + "\",\"condition\":{\"plan\":{\"$regex\":\"^fr\"}},\"force\":{\"color\":\"red\",\"n\":" + n + "}}]}",
            });
        }

        json.Append("},\"dateUpdated\":\"2026-12-01T00:00:00.000Z\"}");
        return json.ToString();
    }

    /// <summary>The same payload with feature <c>f1</c>'s default value changed: a one-feature update.</summary>
    public static byte[] WithOneFeatureChanged(int count)
        => Encoding.UTF8.GetBytes(Text(count).Replace("\"f1\":{\"defaultValue\":\"a\"", "\"f1\":{\"defaultValue\":\"z\"", StringComparison.Ordinal));
}
