using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.JavaScript;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.JavaScript;

/// <summary>
/// The number corpus (<c>Differential/number-corpus.json</c>, from <c>generate-numbers.mjs</c>): the same 1,000,000
/// doubles, replayed here bit for bit from the generator's seeded splitmix64, formatted by <see cref="JsNumber"/> and
/// compared with node's <c>String(x)</c> through per-10,000 digests (and the first 2,000 answers in full).
/// </summary>
[TestFixture]
[Category("Spec")]
public sealed class JsNumberCorpusTests
{
    private static readonly double[] Boundaries = Array.ConvertAll(
        ["1e21", "1e-7", "9007199254740992", "1e15", "1e16", "1e17", "1e20", "1e22", "1e-6", "5e-324", "1.7976931348623157e308", "0.1", "123456789012345680000", "2.2250738585072014e-308"],
        s => double.Parse(s, CultureInfo.InvariantCulture));

    private ulong _state;

    [Test]
    public void AMillionDoublesFormatAsNodeFormatsThem()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Differential", "number-corpus.json");
        using var corpus = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = corpus.RootElement;
        var count = root.GetProperty("count").GetInt32();
        var chunk = root.GetProperty("chunk").GetInt32();
        var digests = root.GetProperty("digests").EnumerateArray().Select(d => d.GetString()!).ToArray();
        var first = root.GetProperty("first").EnumerateArray().Select(d => d.GetString()!).ToArray();
        _state = root.GetProperty("seed").GetUInt64();

        var mismatches = new List<string>();
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var x = Generate();
            var formatted = JsNumber.ToJsString(x);
            if (i < first.Length && formatted != first[i])
            {
                mismatches.Add($"#{i} (bits {BitConverter.DoubleToInt64Bits(x):X16}): node {first[i]}, here {formatted}");
            }

            text.Append(formatted).Append('\n');
            if ((i + 1) % chunk == 0)
            {
                var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
                if (digest != digests[(i / chunk)])
                {
                    mismatches.Add($"doubles #{i + 1 - chunk}..#{i}: differ from node's (digest)");
                }

                text.Clear();
            }
        }

        Assert.That(digests, Has.Length.EqualTo(count / chunk));
        Differential.Corpus.Report("JS Number.prototype.toString corpus", count, mismatches);
    }

    // The generator's generate(), step for step.
    private double Generate()
    {
        var kind = Next() % 100;
        var negative = (Next() & 1) == 1;
        double x;
        if (kind < 40)
        {
            return BitConverter.UInt64BitsToDouble(Next());
        }

        if (kind < 55)
        {
            var shift = (int)(Next() % 64);
            x = (long)(Next() >> shift);
        }
        else if (kind < 70)
        {
            var digits = 1 + (int)(Next() % 17);
            var mantissa = Next() % (ulong)Math.Pow(10, digits);
            var exponent = (int)(Next() % 61) - 30;
            x = double.Parse(string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}"), CultureInfo.InvariantCulture);
        }
        else if (kind < 80)
        {
            var b = Boundaries[(int)(Next() % (ulong)Boundaries.Length)];
            x = BitConverter.UInt64BitsToDouble(unchecked(BitConverter.DoubleToUInt64Bits(b) + (Next() % 5) - 2));
        }
        else if (kind < 90)
        {
            x = BitConverter.Int32BitsToSingle(unchecked((int)(uint)(Next() & 0xFFFFFFFF)));
        }
        else
        {
            var k = Next() % 1_000_000;
            var n = (int)(Next() % 10);
            x = k / double.Parse("1e" + n.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return negative ? -x : x;
    }

    private ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
