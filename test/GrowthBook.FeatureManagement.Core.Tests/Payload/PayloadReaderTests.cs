using System.Globalization;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// <see cref="PayloadReader"/> stands in for <see cref="Utf8JsonReader"/> in the payload compiler, so it must give the
/// same tokens (type, start, end, depth, text, escapes, string and number values) and accept exactly the same texts,
/// throwing the same exception for the others. Each text of a corpus (the spec and differential case files, whole
/// and case by case; every one-byte deletion, duplication and replacement of small payloads; deep nesting; numbers)
/// is read by both, token by token, stepping over some containers with <c>Skip</c>, and the two records compared.
/// </summary>
[TestFixture]
public sealed class PayloadReaderTests
{
    private static readonly JsonReaderOptions Options = JsonValueReader.Options;

    private static readonly string[] Samples =
    [
        """{"features":{"f":{"defaultValue":true,"rules":[{"id":"r1","condition":{"country":{"$in":["US","CA"]},"age":{"$gt":18}},"force":1.5e2}]}}}""",
        """
        {
          "a": [ 1, -0.5, 2E+3, true, false, null, "x\"y\u00e9\ud83d\ude00" ],
          "b" : { "c" : {}, "d": [] }
        }
        """,
        """{"k\n":"\t","n":-0,"e":1e-7,"u":"caf\u00e9","raw":"café","s":"\ud800"}""",
        // Runs longer than one vector (16 bytes): indentation, names, values.
        "{\n                    \"a-property-name-longer-than-a-vector\": \"a value longer than sixteen bytes, é\",\n                     \"b\": [1]}",
    ];

    private static readonly byte[] Replacements = "\"\\,:{}[] 0-e.tnx\u0001\t"u8.ToArray().Concat(new byte[] { 0xC3, 0xFF }).ToArray();

    [Test]
    public void TheCaseFiles_WholeAndCaseByCase_ReadAlike()
    {
        var checkedTexts = 0;
        foreach (var file in new[] { "Spec/cases.json", "Differential/differential-cases.json", "Differential/targeting-cases.json" })
        {
            var text = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, file));
            Compare(text);
            using var document = JsonDocument.Parse(text);
            foreach (var group in document.RootElement.EnumerateObject())
            {
                if (group.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var specCase in group.Value.EnumerateArray())
                {
                    Compare(Encoding.UTF8.GetBytes(specCase.GetRawText()));
                    checkedTexts++;
                }
            }
        }

        Assert.That(checkedTexts, Is.GreaterThan(5000));
    }

    [Test]
    public void EveryOneByteChangeOfSmallPayloads_ReadsAlike_AcceptedOrRefusedTheSameWay()
    {
        var refused = 0;
        var total = 0;
        foreach (var sample in Samples)
        {
            var bytes = Encoding.UTF8.GetBytes(sample);
            for (var i = 0; i <= bytes.Length; i++)
            {
                if (i < bytes.Length)
                {
                    refused += Compare([.. bytes[..i], .. bytes[(i + 1)..]]) ? 0 : 1; // deleted
                    refused += Compare([.. bytes[..(i + 1)], .. bytes[i..]]) ? 0 : 1; // doubled
                    total += 2;
                }

                foreach (var replacement in Replacements)
                {
                    var changed = bytes.ToArray();
                    if (i < changed.Length)
                    {
                        changed[i] = replacement;
                    }
                    else
                    {
                        changed = [.. changed, replacement];
                    }

                    refused += Compare(changed) ? 0 : 1;
                    total++;
                }
            }
        }

        // Both outcomes are well represented, so neither side of the comparison is vacuous.
        Assert.That(refused, Is.InRange(total / 10, total * 9 / 10), $"{refused} of {total} refused");
    }

    [TestCase(99_999)]
    [TestCase(100_000)]
    [TestCase(100_001)]
    public void DeepNesting_ReadsAlike_UpToTheSameLimit(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append(i % 3 == 0 ? "{\"k\":" : "[");
        }

        text.Append('1');
        for (var i = depth - 1; i >= 0; i--)
        {
            text.Append(i % 3 == 0 ? '}' : ']');
        }

        Assert.That(Compare(Encoding.UTF8.GetBytes(text.ToString())), Is.EqualTo(depth <= 100_000));
    }

    // Runs of every length up to four vectors and past, of each whitespace byte and mixed, before and after tokens,
    // with a control character at every place in a run (not whitespace: refused).
    [Test]
    public void WhitespaceRuns_OfEveryLength_ReadAlike()
    {
        var accepted = 0;
        foreach (var unit in new[] { " ", "\n", "\t", "\r", "\r\n  " })
        {
            for (var length = 0; length <= 70; length++)
            {
                var run = string.Concat(Enumerable.Repeat(unit, length))[..length];
                if (Compare(Encoding.UTF8.GetBytes(run + "{" + run + "\"a\"" + run + ":" + run + "[1," + run + "true]" + run + "}" + run)))
                {
                    accepted++;
                }

                for (var at = 0; at < length; at += 7)
                {
                    Compare(Encoding.UTF8.GetBytes("[1," + run[..at] + "\u000b" + run[at..] + "2]"));
                }
            }
        }

        Assert.That(accepted, Is.EqualTo(5 * 71));
    }

    [Test]
    public void Numbers_HaveTheSameValues()
    {
        var random = new Random(20261207);
        var numbers = new List<string>
        {
            "0", "-0", "1", "-1", "0.1", "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.8e308", "-1e400",
            "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "9007199254740993",
            "123456789012345678901234567890", "0.30000000000000004", "1E5", "1e+5", "1e-5", "100000000000000000000000e-20",
        };
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(value))
            {
                numbers.Add(value.ToString(i % 2 == 0 ? "R" : "E16", CultureInfo.InvariantCulture));
            }

            numbers.Add(random.NextInt64(-999_999_999_999_999, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture));
            numbers.Add(random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture));
            var digits = new string([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)('0' + random.Next(10)))]).TrimStart('0');
            numbers.Add($"{(random.Next(2) == 0 ? "-" : "")}{(digits.Length == 0 ? "0" : digits)}.{random.Next(1000)}e{random.Next(-400, 400)}");

            // Plain decimals of 2 to 18 digits (read exactly by division up to 15), leading and trailing zeros included.
            var whole = new string([.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => (char)('0' + random.Next(10)))]).TrimStart('0');
            var fraction = new string([.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => (char)('0' + random.Next(10)))]);
            numbers.Add($"{(random.Next(2) == 0 ? "-" : "")}{(whole.Length == 0 ? "0" : whole)}.{fraction}");
        }

        numbers.AddRange(["0.5", "-0.0", "0.000000000000001", "0.1000000000000001", "999999999999999.9", "99999999999999.99",
            "9999999999999999.9", "0.30000000000000004", "1.00000000000000", "123456789012345.6"]);

        foreach (var number in numbers)
        {
            Assert.That(Compare(Encoding.UTF8.GetBytes("[" + number + "]")), Is.True, number);
        }
    }

    // Reads the text with both readers and asserts they agree; true when the text was accepted.
    private static bool Compare(byte[] text)
    {
        var expected = Record(text, framework: true);
        var actual = Record(text, framework: false);
        Assert.That(actual, Is.EqualTo(expected), () => "text: " + Encoding.UTF8.GetString(text));
        return !expected[^1].StartsWith("threw", StringComparison.Ordinal);
    }

    private static List<string> Record(byte[] text, bool framework)
    {
        var log = new List<string>();
        var tokens = 0;
        try
        {
            if (framework)
            {
                var reader = new Utf8JsonReader(text, isFinalBlock: true, new JsonReaderState(Options));
                while (reader.Read())
                {
                    log.Add(Describe(reader.TokenType, reader.TokenStartIndex, reader.BytesConsumed, reader.CurrentDepth, reader.ValueSpan, reader.ValueIsEscaped));
                    log.Add(reader.TokenType switch
                    {
                        JsonTokenType.String or JsonTokenType.PropertyName => FrameworkString(ref reader),
                        JsonTokenType.Number => reader.TryGetDouble(out var number) ? BitConverter.DoubleToInt64Bits(number).ToString(CultureInfo.InvariantCulture) : "none",
                        _ => "",
                    });
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && ++tokens % 3 == 0)
                    {
                        reader.Skip();
                        log.Add("skipped to " + reader.BytesConsumed);
                    }
                }
            }
            else
            {
                var reader = new PayloadReader(text);
                while (reader.Read())
                {
                    log.Add(Describe(reader.TokenType, reader.TokenStartIndex, reader.BytesConsumed, reader.CurrentDepth, reader.ValueSpan, reader.ValueIsEscaped));
                    log.Add(reader.TokenType switch
                    {
                        JsonTokenType.String or JsonTokenType.PropertyName => PayloadString(ref reader),
                        JsonTokenType.Number => reader.TryGetDouble(out var number) ? BitConverter.DoubleToInt64Bits(number).ToString(CultureInfo.InvariantCulture) : "none",
                        _ => "",
                    });
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && ++tokens % 3 == 0)
                    {
                        reader.Skip();
                        log.Add("skipped to " + reader.BytesConsumed);
                    }
                }
            }

            log.Add("end");
        }
        catch (JsonException e)
        {
            log.Add($"threw {e.GetType().Name}: {e.Message}");
        }

        return log;
    }

    private static string FrameworkString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static string PayloadString(ref PayloadReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static string Describe(JsonTokenType type, long start, long end, int depth, ReadOnlySpan<byte> value, bool escaped)
        => $"{type} {start}..{end} depth {depth} [{Convert.ToHexString(value)}]{(escaped ? " escaped" : "")}";
}
