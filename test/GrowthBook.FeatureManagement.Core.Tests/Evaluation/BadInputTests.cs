using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Evaluation;

/// <summary>Remote data is never trusted: each kind of bad input has a documented, tested outcome (docs/engine.md).</summary>
[TestFixture]
public sealed class BadInputTests
{
    private static GrowthBookScope Scope(string payloadJson, string attributesJson = """{"id":"u1"}""", ILogger? logger = null)
        => new(GrowthBookPayload.Parse(payloadJson, new GrowthBookPayloadOptions { Logger = logger }),
            new UserContext { Attributes = GrowthBookAttributes.Parse(attributesJson) });

    private static string Feature(string condition)
        => """{"features":{"f":{"defaultValue":false,"rules":[{"condition":""" + condition + ""","force":true}]}}}""";

    [Test]
    public void InvalidRegexIsFalseAndReported()
    {
        var payload = GrowthBookPayload.Parse(Feature("""{"name":{"$regex":"(unclosed"}}"""));
        var scope = new GrowthBookScope(payload, new UserContext { Attributes = GrowthBookAttributes.Parse("""{"name":"(unclosed"}""") });
        Assert.Multiple(() =>
        {
            Assert.That(scope.IsOn("f"), Is.False);
            Assert.That(payload.Warnings, Has.Some.Contains("invalid regular expression"));
        });
    }

    [Test]
    public void CatastrophicRegexFinishesQuickly()
    {
        var attributes = GrowthBookAttributes.From([new("name", new string('a', 10_000) + "b")]);
        var scope = new GrowthBookScope(GrowthBookPayload.Parse(Feature("""{"name":{"$regex":"(a+)+$"}}""")), new UserContext { Attributes = attributes });
        var watch = Stopwatch.StartNew();
        var on = scope.IsOn("f");
        watch.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(watch.ElapsedMilliseconds, Is.LessThan(100), "a catastrophic pattern must not stall evaluation");
            // The string ends in "b", so (a+)+$ has no match; a backtracking engine would take years to say so.
            Assert.That(on, Is.False);
        });
    }

    [Test]
    public void ACatastrophicRegexStillGivesJavaScriptsAnswer()
    {
        // A backtracking engine explodes on (a+)+$ at every start position before trying the "x" alternative;
        // JavaScript would (eventually) say true, because the string ends in "x". The pattern has no back-reference,
        // so it runs on a linear-time engine from the first match (docs/engine.md, "Regular expressions").
        var payload = GrowthBookPayload.Parse(Feature("""{"name":{"$regex":"^(a+)+$|x"}}"""));
        var matching = new GrowthBookScope(payload, new UserContext { Attributes = GrowthBookAttributes.From([new("name", new string('a', 5_000) + "!x")]) });
        var failing = new GrowthBookScope(payload, new UserContext { Attributes = GrowthBookAttributes.From([new("name", new string('a', 5_000) + "!")]) });
        var watch = Stopwatch.StartNew();
        var first = matching.IsOn("f");
        var later = Enumerable.Range(0, 20).Select(_ => failing.IsOn("f")).ToList();
        watch.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.True);
            Assert.That(later, Is.All.False);
            Assert.That(matching.IsOn("f"), Is.True);
            Assert.That(watch.ElapsedMilliseconds, Is.LessThan(21 * 25), "no match waits for a timeout");
        });
    }

    [Test]
    public void ConditionsNestedTooDeepAreFalseAndReportedOnce()
    {
        var depth = 10_000;
        var condition = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            condition.Append("""{"$and":[""");
        }

        condition.Append("""{"id":"u1"}""");
        for (var i = 0; i < depth; i++)
        {
            condition.Append("]}");
        }

        var payload = GrowthBookPayload.Parse(Feature(condition.ToString()));
        var scope = new GrowthBookScope(payload, new UserContext { Attributes = GrowthBookAttributes.Parse("""{"id":"u1"}""") });
        Assert.Multiple(() =>
        {
            Assert.That(scope.EvalFeature("f").Source, Is.EqualTo(FeatureSource.DefaultValue));
            Assert.That(payload.Warnings.Count(w => w.Contains("nested deeper", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public void DeepNotCannotTurnTooDeepIntoTrue()
    {
        // A too-deep branch under $not would flip to true if only the branch were false; the whole condition is false.
        var inner = string.Concat(Enumerable.Repeat("""{"$and":[""", 100)) + """{"id":"nobody"}""" + string.Concat(Enumerable.Repeat("]}", 100));
        using var scope = Scope(Feature($$"""{"$not":{{inner}}}"""));
        Assert.That(scope.IsOn("f"), Is.False);
    }

    [TestCase("""{"f":{"defaultValue":1,"rules":"not an array"},"ok":{"defaultValue":true}}""", "f")]
    [TestCase("""{"f":"not an object","ok":{"defaultValue":true}}""", "f")]
    [TestCase("""{"f":42,"ok":{"defaultValue":true}}""", "f")]
    public void MalformedFeatureIsSkippedWithOneWarningAndOthersWork(string features, string bad)
    {
        var logger = new ListLogger();
        using var scope = Scope($$"""{"features":{{features}}}""", logger: logger);
        Assert.Multiple(() =>
        {
            Assert.That(scope.EvalFeature(bad).Source, Is.EqualTo(FeatureSource.UnknownFeature));
            Assert.That(scope.IsOn("ok"), Is.True);
            Assert.That(logger.Lines.Count(l => l.Contains($"'{bad}'", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(scope.Payload.Warnings, Has.Count.EqualTo(1));
        });
    }

    [TestCase("""{"variations":[1,2],"weights":["a","b"]}""")]
    [TestCase("""{"force":true,"coverage":"half"}""")]
    [TestCase("""{"force":true,"range":[0]}""")]
    [TestCase("""{"variations":"ab"}""")]
    [TestCase("""{"force":true,"hashAttribute":5,"coverage":0.5}""")]
    [TestCase("""{"variations":[1,2],"namespace":["ns",0]}""")]
    [TestCase("""{"variations":[1,2],"filters":[{"seed":"s","ranges":"x"}]}""")]
    [TestCase("""{"force":1,"parentConditions":{"id":"x"}}""")]
    [TestCase("\"a string rule\"")]
    public void MalformedRuleIsSkippedWithOneWarningNamingItAndOtherRulesWork(string badRule)
    {
        var logger = new ListLogger();
        using var scope = Scope("""{"features":{"f":{"defaultValue":0,"rules":[""" + badRule + """,{"force":7}]}}}""", logger: logger);
        Assert.Multiple(() =>
        {
            Assert.That(scope.GetFeatureValue("f", -1), Is.EqualTo(7), "the next rule still applies");
            Assert.That(logger.Lines, Has.Count.EqualTo(1));
            Assert.That(logger.Lines[0], Does.Contain("'f' rule 0"));
        });
    }

    [Test]
    public void UnknownOperatorIsFalseAndUnknownRuleKeysAreIgnored()
    {
        using var scope = Scope("""{"features":{"a":{"defaultValue":0,"rules":[{"condition":{"id":{"$regx":"u"}},"force":1}]},"b":{"defaultValue":0,"rules":[{"force":2,"someFutureKey":{"x":1},"foo":"bar"}]}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(scope.GetFeatureValue("a", -1), Is.EqualTo(0));
            Assert.That(scope.GetFeatureValue("b", -1), Is.EqualTo(2));
            Assert.That(scope.Payload.Warnings, Has.Some.Contains("unknown operator $regx"));
        });
    }

    [Test]
    public void EncryptedPayloadWithWrongKeyIsATypedFailureThatDoesNotLeakTheKey()
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.GenerateKey();
        var iv = new byte[16];
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes("""{"f":{"defaultValue":true}}"""), iv);
        var payload = $$"""{"features":{},"encryptedFeatures":"{{Convert.ToBase64String(iv)}}.{{Convert.ToBase64String(cipher)}}"}""";
        var wrongKey = Convert.ToBase64String(new byte[16]);

        var ok = GrowthBookPayload.Parse(payload, new GrowthBookPayloadOptions { DecryptionKey = Convert.ToBase64String(aes.Key) });
        var error = Assert.Throws<GrowthBookDecryptionException>(() => GrowthBookPayload.Parse(payload, new GrowthBookPayloadOptions { DecryptionKey = wrongKey }));
        var missing = Assert.Throws<GrowthBookDecryptionException>(() => GrowthBookPayload.Parse(payload));
        Assert.Multiple(() =>
        {
            Assert.That(new GrowthBookScope(ok).IsOn("f"), Is.True);
            Assert.That(error!.Reason, Is.AnyOf(DecryptionFailure.WrongKeyOrCorrupted, DecryptionFailure.InvalidJson));
            Assert.That(error.ToString(), Does.Not.Contain(wrongKey));
            Assert.That(missing!.Reason, Is.EqualTo(DecryptionFailure.MissingKey));
        });
    }

    [Test]
    public void PayloadThatIsNotAnObjectIsAClearError()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse("[1,2]"));
            Assert.That(() => GrowthBookPayload.Parse("{\"features\":"), Throws.InstanceOf<JsonException>());
        });
    }

    [Test]
    public void NumbersBeyondDoubleAndLoneSurrogatesDoNotCrash()
    {
        using var scope = Scope("""{"features":{"big":{"defaultValue":1e400},"s":{"defaultValue":"\ud800x"},"c":{"defaultValue":0,"rules":[{"condition":{"n":{"$gt":1e400}},"force":1}]}}}""",
            """{"id":"u1","n":1e999}""");
        Assert.Multiple(() =>
        {
            Assert.That(scope.EvalFeature("big").On, Is.True);
            Assert.That(scope.GetFeatureValue("s", ""), Is.EqualTo("\ud800x"));
            Assert.That(scope.GetFeatureValue("c", -1), Is.EqualTo(0), "Infinity > Infinity is false");
        });
    }

    [Test]
    public void WeightsThatDoNotSumToOneFallBackToEqualWeights()
    {
        using var scope = Scope("""{"features":{"e":{"defaultValue":-1,"rules":[{"variations":[0,1],"weights":[0.9,0.9]}]}}}""");
        var counts = new int[2];
        for (var i = 0; i < 2000; i++)
        {
            scope.User = new UserContext { Attributes = GrowthBookAttributes.From([new("id", "user-" + i)]) };
            counts[scope.GetFeatureValue("e", -1)]++;
        }

        Assert.That(counts[0], Is.InRange(900, 1100), "equal split when weights are invalid");
    }

    /// <summary>Collects formatted log lines.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add(formatter(state, exception));
    }
}
