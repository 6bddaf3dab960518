using System.Globalization;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.JavaScript;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.JavaScript;

/// <summary>
/// JsNumber must reproduce JavaScript bit for bit. Besides the readable cases below, the tests replay
/// <c>js-number-vectors.json</c>, produced by Node 20 (V8):
/// <list type="bullet">
/// <item><c>doubles</c>: <c>[IEEE-754 bits as 16 hex digits (or "NaN"), String(x)]</c> — 2,000 values: edge cases
/// (±0, 1e21, 1e-7, 5e-324, MAX_VALUE, 2^53 ± ulps, neighbours of every notation switch), powers of ten and
/// two, integers, short decimals, and random doubles over every exponent built from random bits;</item>
/// <item><c>strings</c>: <c>[s, bits of Number(s), bits of parseInt(s)]</c> — hand-picked literals (whitespace of
/// every kind, signs, radix prefixes, separators, Infinity spellings, rounding ties, overflow, huge inputs) plus
/// fuzzed strings.</item>
/// </list>
/// Bits rather than decimal text keep the expectations free of any parsing ambiguity (and keep -0 apart from 0).
/// </summary>
[TestFixture]
public class JsNumberTests
{
    private const int MaxReportedFailures = 25;

    private static readonly Lazy<Vectors> LazyVectors = new(LoadVectors);

    private static Vectors Data => LazyVectors.Value;

    [TestCase(0.0, "0")]
    [TestCase(-0.0, "0")]
    [TestCase(1.0, "1")]
    [TestCase(-1.0, "-1")]
    [TestCase(0.5, "0.5")]
    [TestCase(-12.25, "-12.25")]
    [TestCase(0.1 + 0.2, "0.30000000000000004")]
    [TestCase(1.0 / 3, "0.3333333333333333")]
    [TestCase(100.0, "100")]
    [TestCase(1e15, "1000000000000000")]
    [TestCase(9007199254740991.0, "9007199254740991")]
    [TestCase(9007199254740992.0, "9007199254740992")]
    [TestCase(9007199254740994.0, "9007199254740994")]
    [TestCase(1152921504606846976.0, "1152921504606847000")]
    [TestCase(1e20, "100000000000000000000")]
    [TestCase(123456789012345680000.0, "123456789012345680000")]
    [TestCase(999999999999999900000.0, "999999999999999900000")]
    [TestCase(1e21, "1e+21")]
    [TestCase(-1e21, "-1e+21")]
    [TestCase(1.5e21, "1.5e+21")]
    [TestCase(1e100, "1e+100")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(1e-6, "0.000001")]
    [TestCase(1.5e-6, "0.0000015")]
    [TestCase(1.2345678901234567e-6, "0.0000012345678901234567")]
    [TestCase(1e-7, "1e-7")]
    [TestCase(-1e-7, "-1e-7")]
    [TestCase(1.5e-7, "1.5e-7")]
    [TestCase(2.2250738585072014e-308, "2.2250738585072014e-308")]
    [TestCase(5e-324, "5e-324")]
    [TestCase(-5e-324, "-5e-324")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    [TestCase(double.NegativeInfinity, "-Infinity")]
    public void ToJsString_MatchesJavaScript(double value, string expected)
    {
        Assert.That(JsNumber.ToJsString(value), Is.EqualTo(expected));
    }

    [Test]
    public void ToJsString_MatchesNode_ForEveryVector()
    {
        var failures = new List<string>();
        foreach (var (value, expected) in Data.Doubles)
        {
            var actual = JsNumber.ToJsString(value);
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                failures.Add($"{Describe(value)}: expected \"{expected}\", got \"{actual}\"");
            }
        }

        AssertNoFailures(failures, Data.Doubles.Count, expectedAtLeast: 2000);
    }

    [Test]
    public void TryFormatJs_WritesTheSameTextAsToJsString()
    {
        Span<char> buffer = stackalloc char[JsNumber.MaxFormattedLength];
        var failures = new List<string>();
        foreach (var (value, expected) in Data.Doubles)
        {
            if (!JsNumber.TryFormatJs(value, buffer, out var written)
                || !buffer[..written].SequenceEqual(expected))
            {
                failures.Add($"{Describe(value)}: expected \"{expected}\"");
            }
        }

        AssertNoFailures(failures, Data.Doubles.Count, expectedAtLeast: 2000);
    }

    [TestCase(0.0)]
    [TestCase(-123.0)]
    [TestCase(0.30000000000000004)]
    [TestCase(1e21)]
    [TestCase(-1.2345678901234567e-300)]
    [TestCase(double.NegativeInfinity)]
    public void TryFormatJs_ReportsFailure_WhenTheDestinationIsOneCharTooShort(double value)
    {
        var expected = JsNumber.ToJsString(value);
        var buffer = new char[expected.Length];

        Assert.Multiple(() =>
        {
            Assert.That(JsNumber.TryFormatJs(value, buffer.AsSpan(0, expected.Length - 1), out var tooShort), Is.False);
            Assert.That(tooShort, Is.Zero);
            Assert.That(JsNumber.TryFormatJs(value, buffer, out var written), Is.True);
            Assert.That(new string(buffer, 0, written), Is.EqualTo(expected));
        });
    }

    [Test]
    public void ToJsString_ThenStringToNumber_RoundTripsEveryFiniteVector()
    {
        var failures = new List<string>();
        foreach (var (value, _) in Data.Doubles)
        {
            if (!double.IsFinite(value) || value == 0)
            {
                continue;
            }

            var back = JsNumber.StringToNumber(JsNumber.ToJsString(value));
            if (BitConverter.DoubleToInt64Bits(back) != BitConverter.DoubleToInt64Bits(value))
            {
                failures.Add($"{Describe(value)} came back as {Describe(back)}");
            }
        }

        AssertNoFailures(failures, Data.Doubles.Count, expectedAtLeast: 2000);
    }

    [TestCase("", 0.0)]
    [TestCase(" \t\n\r\v\f\u00A0\uFEFF\u2028\u2029\u1680\u2000\u200A\u202F\u205F\u3000", 0.0)]
    [TestCase("  42  ", 42.0)]
    [TestCase("\u00A042\uFEFF", 42.0)]
    [TestCase("-0", -0.0)]
    [TestCase("+1.5", 1.5)]
    [TestCase(".5", 0.5)]
    [TestCase("5.", 5.0)]
    [TestCase("-.5e1", -5.0)]
    [TestCase("1E3", 1000.0)]
    [TestCase("1e-7", 1e-7)]
    [TestCase("0.30000000000000004", 0.30000000000000004)]
    [TestCase("9007199254740993", 9007199254740992.0)]
    [TestCase("1e309", double.PositiveInfinity)]
    [TestCase("-1e-400", -0.0)]
    [TestCase("Infinity", double.PositiveInfinity)]
    [TestCase("+Infinity", double.PositiveInfinity)]
    [TestCase("-Infinity", double.NegativeInfinity)]
    [TestCase("0x1F", 31.0)]
    [TestCase("0XfF", 255.0)]
    [TestCase("0o17", 15.0)]
    [TestCase("0B101", 5.0)]
    [TestCase("0x20000000000001", 9007199254740992.0)]
    [TestCase("0x20000000000003", 9007199254740996.0)]
    [TestCase("\u0085" + "1", double.NaN)]
    [TestCase("\u180E" + "1", double.NaN)]
    [TestCase("\u200B" + "1", double.NaN)]
    [TestCase("-0x10", double.NaN)]
    [TestCase("+0x10", double.NaN)]
    [TestCase("0x", double.NaN)]
    [TestCase("0b2", double.NaN)]
    [TestCase("0x1.5", double.NaN)]
    [TestCase("1,000", double.NaN)]
    [TestCase("1_000", double.NaN)]
    [TestCase("1 000", double.NaN)]
    [TestCase("\u0661\u0662", double.NaN)]
    [TestCase("\uFF11", double.NaN)]
    [TestCase("\u2212" + "1", double.NaN)]
    [TestCase("∞", double.NaN)]
    [TestCase("infinity", double.NaN)]
    [TestCase("Infinityx", double.NaN)]
    [TestCase("NaN", double.NaN)]
    [TestCase(".", double.NaN)]
    [TestCase("+", double.NaN)]
    [TestCase("-", double.NaN)]
    [TestCase("1e", double.NaN)]
    [TestCase("1e+", double.NaN)]
    [TestCase("e5", double.NaN)]
    [TestCase(".e5", double.NaN)]
    [TestCase("--1", double.NaN)]
    [TestCase("12px", double.NaN)]
    [TestCase("10n", double.NaN)]
    public void StringToNumber_MatchesJavaScript(string text, double expected)
    {
        AssertSameDouble(JsNumber.StringToNumber(text), expected);
    }

    [Test]
    public void StringToNumber_MatchesNode_ForEveryVector()
    {
        var failures = new List<string>();
        foreach (var (text, expected, _) in Data.Strings)
        {
            var actual = JsNumber.StringToNumber(text);
            if (!SameDouble(actual, expected))
            {
                failures.Add($"Number({Quote(text)}): expected {Describe(expected)}, got {Describe(actual)}");
            }
        }

        AssertNoFailures(failures, Data.Strings.Count, expectedAtLeast: 300);
    }

    [TestCase("42", 42.0)]
    [TestCase("  \u00A0\uFEFF\u2028 42abc", 42.0)]
    [TestCase("-17.9", -17.0)]
    [TestCase("+5e3", 5.0)]
    [TestCase("-0", -0.0)]
    [TestCase("-0x1f", -31.0)]
    [TestCase("0XAg", 10.0)]
    [TestCase("007", 7.0)]
    [TestCase("0b11", 0.0)]
    [TestCase("0o7", 0.0)]
    [TestCase("123456789012345678901234567890", 1.2345678901234568e29)]
    [TestCase("9007199254740993", 9007199254740992.0)]
    [TestCase("0x20000000000001", 9007199254740992.0)]
    [TestCase("", double.NaN)]
    [TestCase("   ", double.NaN)]
    [TestCase("abc", double.NaN)]
    [TestCase("0x", double.NaN)]
    [TestCase("-", double.NaN)]
    [TestCase("+-1", double.NaN)]
    [TestCase(".5", double.NaN)]
    [TestCase("Infinity", double.NaN)]
    [TestCase("\u0661", double.NaN)]
    [TestCase("\u0085" + "1", double.NaN)]
    public void ParseInt_MatchesJavaScript(string text, double expected)
    {
        AssertSameDouble(JsNumber.ParseInt(text), expected);
    }

    [Test]
    public void ParseInt_MatchesNode_ForEveryVector()
    {
        var failures = new List<string>();
        foreach (var (text, _, expected) in Data.Strings)
        {
            var actual = JsNumber.ParseInt(text);
            if (!SameDouble(actual, expected))
            {
                failures.Add($"parseInt({Quote(text)}): expected {Describe(expected)}, got {Describe(actual)}");
            }
        }

        AssertNoFailures(failures, Data.Strings.Count, expectedAtLeast: 300);
    }

    [TestCase("de-DE")]
    [TestCase("ar-SA")]
    [TestCase("fa-IR")]
    [TestCase("fr-CH")]
    [TestCase("tr-TR")]
    [TestCase("sv-SE")]
    public void Results_DoNotDependOnTheCurrentCulture(string cultureName)
    {
        RunUnderCulture(CultureInfo.GetCultureInfo(cultureName), AssertEveryVectorMatches);
    }

    [Test]
    public void Results_DoNotDependOnAHostileCustomCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        var format = culture.NumberFormat;
        format.NegativeSign = "~";
        format.PositiveSign = "#";
        format.NumberDecimalSeparator = ",";
        format.NumberGroupSeparator = ".";
        format.PositiveInfinitySymbol = "∞";
        format.NegativeInfinitySymbol = "-∞";
        format.NaNSymbol = "nan";
        format.NativeDigits = ["٠", "١", "٢", "٣", "٤", "٥", "٦", "٧", "٨", "٩"];
        format.DigitSubstitution = DigitShapes.NativeNational;

        RunUnderCulture(culture, AssertEveryVectorMatches);
    }

    [Test]
    public void TryFormatJs_AndStringToNumber_DoNotAllocate()
    {
        Span<char> buffer = stackalloc char[JsNumber.MaxFormattedLength];
        double[] values = [0.1 + 0.2, -1.5e-7, 1e21, 123456789012345680000.0, 42.0, -7.25, 5e-324];
        string[] texts = ["42", " -1.5e-7 ", "0x1F", "123456789012345678901", "1,000"];

        var sink = 0.0;
        for (var round = 0; round < 2; round++)
        {
            // Round 0 warms up (JIT, static initialisation); round 1 is measured.
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var value in values)
            {
                JsNumber.TryFormatJs(value, buffer, out var written);
                sink += written;
            }

            foreach (var text in texts)
            {
                sink += JsNumber.StringToNumber(text) + JsNumber.ParseInt(text);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.That(allocated, Is.Zero, $"allocated bytes (sink {sink})");
            }
        }
    }

    [Test]
    public void ToJsString_AllocatesOnlyTheResultString()
    {
        double[] values = [0.1 + 0.2, -1.5e-7, 1e21, 123456789012345680000.0, 42.0, -7.25, 5e-324];
        var sink = 0;
        for (var round = 0; round < 2; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var value in values)
            {
                sink += JsNumber.ToJsString(value).Length;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                // Each string: object header + length + chars (≤ 25) — well under 100 bytes apiece.
                Assert.That(allocated, Is.LessThanOrEqualTo(values.Length * 100), $"allocated bytes (sink {sink})");
            }
        }
    }

    [Test]
    public void NullInput_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => JsNumber.StringToNumber((string)null!), Throws.ArgumentNullException);
            Assert.That(() => JsNumber.ParseInt((string)null!), Throws.ArgumentNullException);
        });
    }

    private static void AssertEveryVectorMatches()
    {
        var failures = new List<string>();
        foreach (var (value, expected) in Data.Doubles)
        {
            var actual = JsNumber.ToJsString(value);
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                failures.Add($"{Describe(value)}: expected \"{expected}\", got \"{actual}\"");
            }
        }

        foreach (var (text, number, parsedInt) in Data.Strings)
        {
            if (!SameDouble(JsNumber.StringToNumber(text), number))
            {
                failures.Add($"Number({Quote(text)}) differs");
            }

            if (!SameDouble(JsNumber.ParseInt(text), parsedInt))
            {
                failures.Add($"parseInt({Quote(text)}) differs");
            }
        }

        AssertNoFailures(failures, Data.Doubles.Count + Data.Strings.Count, expectedAtLeast: 2300);
    }

    private static void RunUnderCulture(CultureInfo culture, Action action)
    {
        var previous = CultureInfo.CurrentCulture;
        var previousUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            action();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
            CultureInfo.CurrentUICulture = previousUi;
        }
    }

    private static void AssertNoFailures(List<string> failures, int checkedCount, int expectedAtLeast)
    {
        Assert.That(checkedCount, Is.GreaterThanOrEqualTo(expectedAtLeast), "vector file looks truncated");
        Assert.That(
            failures,
            Is.Empty,
            $"{failures.Count} of {checkedCount} vectors differ from JavaScript; first ones:{Environment.NewLine}"
                + string.Join(Environment.NewLine, failures.Take(MaxReportedFailures)));
    }

    private static void AssertSameDouble(double actual, double expected)
    {
        Assert.That(SameDouble(actual, expected), Is.True, $"expected {Describe(expected)}, got {Describe(actual)}");
    }

    private static bool SameDouble(double actual, double expected)
        => double.IsNaN(expected)
            ? double.IsNaN(actual)
            : BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(expected);

    private static string Describe(double value)
        => double.IsNaN(value)
            ? "NaN"
            : $"{value.ToString("R", CultureInfo.InvariantCulture)} (0x{BitConverter.DoubleToUInt64Bits(value):x16})";

    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        var shown = text.Length > 60 ? text[..60] : text;
        foreach (var c in shown)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        if (shown.Length < text.Length)
        {
            sb.Append(CultureInfo.InvariantCulture, $"…(+{text.Length - shown.Length} chars)");
        }

        return sb.Append('"').ToString();
    }

    private static Vectors LoadVectors()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "JavaScript", "js-number-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;

        var doubles = new List<(double, string)>();
        foreach (var item in root.GetProperty("doubles").EnumerateArray())
        {
            doubles.Add((FromBits(item[0].GetString()!), item[1].GetString()!));
        }

        var strings = new List<(string, double, double)>();
        foreach (var item in root.GetProperty("strings").EnumerateArray())
        {
            strings.Add((item[0].GetString()!, FromBits(item[1].GetString()!), FromBits(item[2].GetString()!)));
        }

        return new Vectors(doubles, strings);
    }

    private static double FromBits(string hex)
        => string.Equals(hex, "NaN", StringComparison.Ordinal)
            ? double.NaN
            : BitConverter.UInt64BitsToDouble(ulong.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));

    private sealed record Vectors(List<(double Value, string Text)> Doubles, List<(string Text, double Number, double ParseInt)> Strings);
}
