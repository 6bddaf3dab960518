using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Hardening.Support;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>
/// Hand-made hostile inputs, each with the behaviour docs/engine.md ("Bad input") promises for it. Goes past the
/// engine's own bad-input tests: sizes and depths an attacker would pick, and every JSON type against every operator.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class CorpusTests
{
    private static readonly ScenarioCounter Counter = new();
    private static readonly Stopwatch Watch = new();
    // What a catastrophic pattern may cost per element: far below one backtracking explosion (it runs in linear time).
    private static readonly TimeSpan LinearMatchBound = TimeSpan.FromMilliseconds(25);
    private static double _slowestMs;
    private static string _slowestWhat = "";

    [OneTimeSetUp]
    public void Start() => Watch.Restart();

    [OneTimeTearDown]
    public void Record()
        => Summary.Record("Hostile data: hand-made corpus", Counter.Iterations, Counter.Failures, $"slowest evaluation {_slowestMs:0.0} ms ({_slowestWhat}); $elemMatch of a catastrophic regex over 20 elements {ArrayRegexMs:0} ms", Watch.Elapsed);

    private static double ArrayRegexMs { get; set; }

    [TearDown]
    public void CountFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            Counter.Fail();
        }
    }

    [TestCase("(a+)+$", 'a')]
    [TestCase("^(a|aa)*$", 'a')]
    [TestCase("(x+x+)+y", 'x')]
    [TestCase("^(([a-z])+.)+[A-Z]([a-z])+$", 'a')]
    [TestCase("(?:a|a)*b", 'a')]
    public void CatastrophicRegex_IsNoMatch_InLinearTime(string pattern, char letter)
    {
        var payload = Payload("""{"f":{"defaultValue":"off","rules":[{"condition":{"s":{"$regex":""" + JsonSerializer.Serialize(pattern) + """}},"force":"on"}]}}""");
        var hostile = new string(letter, 10_000) + "!";
        var result = Evaluate(payload, "f", Attributes(("s", hostile)), "catastrophic regex " + pattern);
        Assert.That(result.GetValue(""), Is.EqualTo("off"), "no match, answered by a linear-time engine");
    }

    [Test]
    public void CatastrophicRegex_OverAnArray_CostsLinearTimePerElement()
    {
        // A pattern without back-references runs on a linear-time engine from its first match (docs/engine.md, "Regular
        // expressions"), so an $elemMatch over N hostile elements costs N linear scans. Measured apart from the
        // corpus's "slowest evaluation" and printed.
        const int elements = 20;
        var payload = GrowthBookPayload.Parse(Payload("""{"f":{"defaultValue":"off","rules":[{"condition":{"tags":{"$elemMatch":{"$regex":"(a+)+$"}}},"force":"on"}]}}"""));
        var tags = Enumerable.Repeat(new string('a', 5_000) + "!", elements).ToArray();
        using var scope = new GrowthBookScope(payload, new UserContext { Attributes = Attributes(("tags", tags)) });
        var watch = Stopwatch.StartNew();
        var result = scope.EvalFeature("f");
        watch.Stop();
        Counter.Add();
        ArrayRegexMs = watch.Elapsed.TotalMilliseconds;
        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("off"));
            Assert.That(watch.Elapsed, Is.LessThan(LinearMatchBound * elements), "linear-time matches, no timeout");
        });
    }

    [TestCase("$not")]
    [TestCase("$and")]
    [TestCase("$or")]
    [TestCase("$elemMatch")]
    [TestCase("path")]
    public void Condition10000Deep_IsFalseAndReported(string how)
    {
        const int depth = 10_000;
        var sb = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            sb.Append(how switch
            {
                "$not" => "{\"$not\":",
                "$and" => "{\"$and\":[",
                "$or" => "{\"$or\":[",
                "$elemMatch" => "{\"a\":{\"$elemMatch\":",
                _ => "{\"a\":",
            });
        }

        sb.Append("{}");
        for (var i = 0; i < depth; i++)
        {
            sb.Append(how switch { "$and" or "$or" => "]}", "$elemMatch" => "}}", _ => "}" });
        }

        var payload = GrowthBookPayload.Parse(Payload("{\"f\":{\"defaultValue\":\"off\",\"rules\":[{\"condition\":" + sb + ",\"force\":\"on\"}]}}"));
        var result = Evaluate(payload, "f", Attributes(("a", Array.Empty<int>())), "condition 10,000 deep");
        Assert.That(result.GetValue(""), Is.EqualTo("off"), "a condition deeper than the limit is false");
        if (how != "path")
        {
            Assert.That(payload.Warnings, Has.Some.Contains("nested deeper"), "and reported");
        }
    }

    [Test]
    public void Values10000Deep_InAttributesAndDefaults_AreCutNotFatal()
    {
        var deep = new string('[', 10_000) + "1" + new string(']', 10_000);
        var payload = GrowthBookPayload.Parse(Payload("{\"f\":{\"defaultValue\":" + deep + ",\"rules\":[{\"condition\":{\"a\":{\"$eq\":" + deep + "}},\"force\":2}]}}"));
        var attributes = GrowthBookAttributes.Parse("{\"a\":" + deep + "}");
        var result = Evaluate(payload, "f", attributes, "values 10,000 deep");
        Assert.That(result.Value.ValueKind, Is.EqualTo(JsonValueKind.Array), "the default value is served as sent");
    }

    [Test]
    public void LoneSurrogatesAndOddStrings_AreKeptAndCompared()
    {
        var payload = GrowthBookPayload.Parse(Payload("""
            {"\ud800":{"defaultValue":"lone key"},
             "eq":{"defaultValue":"off","rules":[{"condition":{"s":"\udfff\ud800"},"force":"on"}]},
             "in":{"defaultValue":"off","rules":[{"condition":{"s":{"$in":["\u0000","\udfff\ud800"]}},"force":"on"}]},
             "re":{"defaultValue":"off","rules":[{"condition":{"s":{"$regex":"^\\udfff"}},"force":"on"}]},
             "hash":{"defaultValue":"off","rules":[{"variations":["a","b"],"hashAttribute":"s","seed":"\ud800"}]}}
            """));
        var odd = "\udfff\ud800";
        var attributes = Attributes(("s", odd));
        Assert.Multiple(() =>
        {
            Assert.That(Evaluate(payload, "\ud800", attributes, "lone surrogate key").GetValue(""), Is.EqualTo("lone key"));
            Assert.That(Evaluate(payload, "eq", attributes, "lone surrogate equality").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "in", attributes, "lone surrogate $in").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "re", attributes, "lone surrogate regex").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "hash", attributes, "lone surrogate hash").ExperimentResult!.Bucket, Is.InRange(0.0, 0.9999));
        });

        var surrogateValue = GrowthBookPayload.Parse(Payload("{\"v\":{\"defaultValue\":\"\\ud800\",\"rules\":[{\"force\":{\"\\udc00\":\"\\ud800\"},\"condition\":{\"x\":1}}]}}"));
        Assert.That(Evaluate(surrogateValue, "v", GrowthBookAttributes.Empty, "lone surrogate value").GetValue("?"), Is.EqualTo("\ud800"), "a lone-surrogate value reads back as it was sent");

        foreach (var text in new[] { "", "\u0000", "\ufeff", "\u202e", "e\u0301", "😀", new string('z', 1_000_000) })
        {
            var result = Evaluate(payload, "eq", Attributes(("s", text)), "odd string");
            Assert.That(result.GetValue(""), Is.EqualTo("off"));
        }
    }

    [Test]
    public void NumbersBeyondDouble_BecomeInfinityAsJsonParseGives()
    {
        var payload = GrowthBookPayload.Parse(Payload("""
            {"big":{"defaultValue":1e400},
             "gt":{"defaultValue":"off","rules":[{"condition":{"n":{"$gt":1.7976931348623157e308}},"force":"on"}]},
             "eq":{"defaultValue":"off","rules":[{"condition":{"n":{"$eq":1e400}},"force":"on"}]},
             "neg":{"defaultValue":"off","rules":[{"condition":{"m":{"$lt":-1e308}},"force":"on"}]},
             "int":{"defaultValue":"off","rules":[{"condition":{"i":123456789012345678901234567890},"force":"on"}]},
             "cov":{"defaultValue":"off","rules":[{"force":"on","coverage":1e400,"hashAttribute":"id"}]}}
            """));
        var attributes = GrowthBookAttributes.Parse("""{"id":"u","n":1e400,"m":-1e400,"i":123456789012345678901234567891}""");
        Assert.Multiple(() =>
        {
            Assert.That(Evaluate(payload, "big", attributes, "1e400 default").GetValue(0.0), Is.EqualTo(double.PositiveInfinity).Or.EqualTo(0.0));
            Assert.That(Evaluate(payload, "gt", attributes, "1e400 > max double").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "eq", attributes, "1e400 == 1e400").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "neg", attributes, "-1e400 < -1e308").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "int", attributes, "huge integers round to the same double").GetValue(""), Is.EqualTo("on"));
            Assert.That(Evaluate(payload, "cov", attributes, "coverage 1e400 clamps to 1").GetValue(""), Is.EqualTo("on"));
        });
    }

    [Test]
    public void DuplicateKeys_TheLastValueWins()
    {
        var payload = GrowthBookPayload.Parse("""
            {"features":{"f":{"defaultValue":1},"f":{"defaultValue":2},
                         "c":{"defaultValue":"off","rules":[{"condition":{"country":"US","country":"CA"},"force":"on"}]}},
             "features":{"f":{"defaultValue":3},"c":{"defaultValue":"off","rules":[{"condition":{"country":"US","country":"CA"},"force":"on"}]}}}
            """);
        var attributes = GrowthBookAttributes.Parse("""{"country":"US","country":"CA"}""");
        Assert.Multiple(() =>
        {
            Assert.That(Evaluate(payload, "f", attributes, "duplicate keys").GetValue(0), Is.EqualTo(3));
            Assert.That(Evaluate(payload, "c", attributes, "duplicate condition keys").GetValue(""), Is.EqualTo("on"));
        });
    }

    [Test]
    public void FeaturesThatAreNotObjects_AreLeftOutAndTheRestWorks()
    {
        var payload = GrowthBookPayload.Parse(Payload("""
            {"null":null,"array":[1,2],"string":"on","number":1e400,"true":true,"false":false,"empty":{},"ok":{"defaultValue":"ok"},
             "rulesObject":{"defaultValue":1,"rules":{"0":{"force":2}}},"rulesNull":{"defaultValue":1,"rules":null}}
            """));
        Assert.Multiple(() =>
        {
            foreach (var key in new[] { "null", "array", "string", "number", "true", "false" })
            {
                Assert.That(Evaluate(payload, key, GrowthBookAttributes.Empty, "feature not an object").Source, Is.EqualTo(FeatureSource.UnknownFeature), key);
            }

            Assert.That(Evaluate(payload, "ok", GrowthBookAttributes.Empty, "the rest works").GetValue(""), Is.EqualTo("ok"));
            Assert.That(Evaluate(payload, "empty", GrowthBookAttributes.Empty, "an empty feature").Value.ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(payload.Warnings, Is.Not.Empty);
        });

        foreach (var notAnObject in new[] { "[]", "\"features\"", "1", "null" })
        {
            var p = GrowthBookPayload.Parse("{\"features\":" + notAnObject + "}");
            Assert.That(p.FeatureKeys, Is.Empty, "'features' that is not an object loads no features");
            Counter.Add();
        }
    }

    [TestCase(1_000, true)]
    [TestCase(10_000, false)]
    [TestCase(100_000, false)]
    public void LongPrerequisiteChains_AndCycles_EvaluateWithoutExhaustingTheStack(int length, bool cycle)
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < length; i++)
        {
            var parent = i + 1 < length ? $"f{i + 1}" : cycle ? "f0" : null;
            sb.Append(CultureInfo.InvariantCulture, $"\"f{i}\":{{\"defaultValue\":true");
            if (parent is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $",\"rules\":[{{\"parentConditions\":[{{\"id\":\"{parent}\",\"condition\":{{\"value\":true}},\"gate\":true}}]}}]");
            }

            sb.Append(i + 1 < length ? "}," : "}");
        }

        var payload = GrowthBookPayload.Parse(Payload(sb.Append('}').ToString()));

        // Evaluated on a thread with a small stack, as a thread-pool thread serving a request would.
        FeatureResult? first = null;
        FeatureResult? middle = null;
        var thread = new Thread(() =>
        {
            first = Evaluate(payload, "f0", GrowthBookAttributes.Empty, $"{length:N0}-long prerequisite {(cycle ? "cycle" : "chain")}");
            middle = Evaluate(payload, $"f{length / 2}", GrowthBookAttributes.Empty, $"{length:N0}-long prerequisite {(cycle ? "cycle" : "chain")}");
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "evaluation finished");
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(first!.Source, Is.EqualTo(FeatureSource.CyclicPrerequisite).Or.EqualTo(FeatureSource.DefaultValue));
            if (cycle)
            {
                Assert.That(first.Source, Is.EqualTo(FeatureSource.CyclicPrerequisite), "a cycle is reported as one");
                Assert.That(middle!.Source, Is.EqualTo(FeatureSource.CyclicPrerequisite));
            }
        });
    }

    [TestCase(1_000)]
    [TestCase(100_000)]
    public void LongSavedGroupChains_AreFalseWithoutExhaustingTheStack(int length)
    {
        var groups = new StringBuilder("{");
        for (var i = 0; i < length; i++)
        {
            var next = i + 1 < length ? $"{{\"$savedGroup\":{{\"id\":\"g{i + 1}\"}}}}" : "{\"id\":\"u\"}";
            groups.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\"g{i}\":{{\"type\":\"condition\",\"condition\":{next}}}");
        }

        var payload = GrowthBookPayload.Parse("{\"features\":{\"f\":{\"defaultValue\":\"off\",\"rules\":[{\"condition\":{\"$savedGroup\":{\"id\":\"g0\"}},\"force\":\"on\"}]}},\"savedGroups\":" + groups.Append('}') + "}");
        FeatureResult? result = null;
        var thread = new Thread(() => result = Evaluate(payload, "f", Attributes(("id", "u")), $"{length:N0}-long saved-group chain"), maxStackSize: 1024 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "evaluation finished");
        Assert.That(result!.GetValue(""), Is.EqualTo("off"), "a reference chain deeper than conditions may nest is false");
    }

    [TestCase("[0.5,0.5,0.5]", "equal weights")]
    [TestCase("[0.1,0.1]", "equal weights")]
    [TestCase("[-1,2]", "as given")]
    [TestCase("[1e400,0]", "equal weights")]
    [TestCase("[0.33,0.33,0.33]", "equal weights")]
    public void WeightsNotSummingToOne_FallBackToEqualWeights(string weights, string expected)
    {
        var variations = weights.Count(c => c == ',') + 1;
        var payload = GrowthBookPayload.Parse(Payload(
            "{\"f\":{\"defaultValue\":-1,\"rules\":[{\"variations\":[" + string.Join(",", Enumerable.Range(0, variations)) + "],\"weights\":" + weights + ",\"hashAttribute\":\"id\",\"seed\":\"s\"}]}}"));
        var counts = new int[variations];
        for (var i = 0; i < 3_000; i++)
        {
            var value = Evaluate(payload, "f", Attributes(("id", "user-" + i.ToString(CultureInfo.InvariantCulture))), "weights").GetValue(-1);
            Assert.That(value, Is.InRange(-1, variations - 1));
            if (value >= 0)
            {
                counts[value]++;
            }
        }

        if (expected == "equal weights")
        {
            Assert.That(counts, Has.All.InRange(3_000 / variations * 0.85, 3_000 / variations * 1.15), string.Join(",", counts));
        }
        else
        {
            Assert.That(counts.Sum(), Is.LessThanOrEqualTo(3_000), "negative weights give empty or shifted ranges; some users may be outside");
        }
    }

    [TestCase("-0.5", 0)]
    [TestCase("-1e400", 0)]
    [TestCase("0", 0)]
    [TestCase("1.5", 3_000)]
    [TestCase("1e400", 3_000)]
    [TestCase("2", 3_000)]
    public void CoverageOutsideTheUnitInterval_IsClamped(string coverage, int expectedIn)
    {
        var payload = GrowthBookPayload.Parse(Payload(
            "{\"f\":{\"defaultValue\":-1,\"rules\":[{\"variations\":[0,1],\"coverage\":" + coverage + ",\"hashAttribute\":\"id\"}]}}"));
        var inExperiment = Enumerable.Range(0, 3_000)
            .Count(i => Evaluate(payload, "f", Attributes(("id", "u" + i.ToString(CultureInfo.InvariantCulture))), "coverage").Source == FeatureSource.Experiment);
        Assert.That(inExperiment, Is.EqualTo(expectedIn));
    }

    [Test]
    public void EveryJsonTypeAgainstEveryOperator_Evaluates()
    {
        string[] values = ["null", "true", "false", "0", "-0", "1", "1.5", "1e400", "\"\"", "\"a\"", "\"1.2.3\"", "\"\\ud800\"", "[]", "[1,\"a\",null]", "[[1]]", "{}", "{\"a\":1}", "{\"$eq\":1}"];
        var operands = values.Concat(["{\"$regex\":\"a\"}", "[\"a\",1]"]).ToArray();
        var features = new StringBuilder("{");
        var n = 0;
        foreach (var op in HostileJson.Operators)
        {
            foreach (var operand in operands)
            {
                features.Append(CultureInfo.InvariantCulture, $"{(n == 0 ? "" : ",")}\"f{n}\":{{\"defaultValue\":0,\"rules\":[{{\"condition\":{{\"v\":{{\"{op}\":{operand}}}}},\"force\":1}}]}}");
                n++;
            }
        }

        var payload = GrowthBookPayload.Parse(Payload(features.Append('}').ToString()) + "");
        var combinations = 0;
        foreach (var value in values)
        {
            var attributes = GrowthBookAttributes.Parse("{\"v\":" + value + "}");
            using var scope = new GrowthBookScope(payload, new UserContext { Attributes = attributes });
            for (var i = 0; i < n; i++)
            {
                var watch = Stopwatch.StartNew();
                var result = scope.EvalFeature("f" + i.ToString(CultureInfo.InvariantCulture));
                Slowest(watch.Elapsed.TotalMilliseconds, "operator matrix");
                Assert.That(result.GetValue(-1), Is.EqualTo(0).Or.EqualTo(1));
                combinations++;
            }
        }

        Counter.Add(combinations);
        TestContext.Progress.WriteLine($"operator matrix: {HostileJson.Operators.Length} operators × {operands.Length} operands × {values.Length} attribute values = {combinations:N0} evaluations");
    }

    private static string Payload(string features) => "{\"features\":" + features + "}";

    private static GrowthBookAttributes Attributes(params (string Key, object? Value)[] pairs)
        => GrowthBookAttributes.From(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));

    private static FeatureResult Evaluate(string payload, string key, GrowthBookAttributes attributes, string what)
        => Evaluate(GrowthBookPayload.Parse(payload), key, attributes, what);

    private static FeatureResult Evaluate(GrowthBookPayload payload, string key, GrowthBookAttributes attributes, string what)
    {
        Counter.Add();
        using var scope = new GrowthBookScope(payload, new UserContext { Attributes = attributes });
        var watch = Stopwatch.StartNew();
        var result = scope.EvalFeature(key);
        Slowest(watch.Elapsed.TotalMilliseconds, what);
        return result;
    }

    private static void Slowest(double ms, string what)
    {
        lock (Counter)
        {
            if (ms > _slowestMs)
            {
                _slowestMs = ms;
                _slowestWhat = what;
            }
        }
    }
}
