using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// A compilation's scratch (string table, shared conditions and values, lists) is handed on, cleared, to the next
/// compilation: no payload may see another's, in sequence or concurrently, after a compilation that threw, and the
/// cached scratch keeps neither text nor compiled objects alive, nor more than its bound.
/// </summary>
[TestFixture]
public sealed class CompileScratchTests
{
    // Everything the scratch shares by text or structure, and reports: conditions written alike (one reading a saved
    // group), variations, weights, meta, a problem (unknown operator), a malformed rule, an auto experiment.
    private const string A = """
        {"features":{
          "grouped":{"defaultValue":0,"rules":[{"condition":{"id":{"$inGroup":"g"}},"force":1}]},
          "grouped2":{"defaultValue":0,"rules":[{"condition":{"id":{"$inGroup":"g"}},"force":2}]},
          "country":{"defaultValue":"none","rules":[{"condition":{"country":{"$in":["US","CA"]}},"force":"na"},{"condition":{"x":{"$nope":1}},"force":"?"}]},
          "exp":{"defaultValue":"a","rules":[{"key":"e1","variations":["a","b"],"weights":[0.5,0.5],"meta":[{"key":"0"},{"key":"1"}],"hashAttribute":"id"}]},
          "exp2":{"defaultValue":"a","rules":[{"key":"e2","variations":["a","b"],"weights":[0.5,0.5],"meta":[{"key":"0"},{"key":"1"}],"hashAttribute":"id"},{"force":1,"hashVersion":"x"}]},
          "obj":{"defaultValue":{"deep":{"list":[1,2,{"k":"v"}]}}}},
         "experiments":[{"key":"auto","variations":[{},{}],"condition":{"country":"US"}}],
         "savedGroups":{"g":["u1","u2"]}}
        """;

    // The same texts as A where sharing them across payloads would give wrong answers: the group's members differ.
    private const string B = """
        {"features":{
          "grouped":{"defaultValue":0,"rules":[{"condition":{"id":{"$inGroup":"g"}},"force":1}]},
          "country":{"defaultValue":"none","rules":[{"condition":{"country":{"$in":["US","CA"]}},"force":"b"}]},
          "exp":{"defaultValue":"a","rules":[{"key":"e1","variations":["a","b"],"weights":[1,0],"meta":[{"key":"0"},{"key":"1"}],"hashAttribute":"id"}]}},
         "savedGroups":{"g":["u3"]}}
        """;

    private static readonly UserContext[] Users =
    [
        .. new[] { "u1", "u2", "u3", "u4" }.SelectMany(id => new[] { "US", "DE" }.Select(country => new UserContext
        {
            Attributes = GrowthBookAttributes.Parse($$"""{"id":"{{id}}","country":"{{country}}"}"""),
        })),
    ];

    [Test]
    public void PayloadsParsedInARow_AnswerAsEachParsedAlone()
    {
        var a = GrowthBookPayload.Parse(Bytes(A));
        var b = GrowthBookPayload.Parse(Bytes(B));
        var aAgain = GrowthBookPayload.Parse(Bytes(A));
        Assert.Multiple(() =>
        {
            Assert.That(Answers(a), Is.EqualTo(Answers(Alone(A))));
            Assert.That(Answers(b), Is.EqualTo(Answers(Alone(B))));
            Assert.That(Answers(aAgain), Is.EqualTo(Answers(Alone(A))));
            Assert.That(Grouped(Answers(b)), Is.Not.EqualTo(Grouped(Answers(a))), "the group of the same name has other members in B");
            Assert.That(a.Warnings, Is.Not.Empty, "A reports problems");
            Assert.That(b.Warnings, Is.Empty, "B reports none of A's");
        });
    }

    [Test]
    public void AScratchReset_IsAsNew_EvenAfterACompilationThatThrew()
    {
        var scratch = new CompileScratch();
        var truncated = Bytes("""{"features":{"a":{"defaultValue":{"x":1,"y":[1,2""");
        Assert.Catch<JsonException>(() => new PayloadCompiler(null, null, scratch).Compile(truncated));
        Assert.That(scratch.Reset(), Is.True);

        // An object and an array read at the depths the failed one was cut at: nothing of x, y or [1,2] may show.
        const string Next = """{"features":{"b":{"defaultValue":{"z":[3]}}}}""";
        var next = new PayloadCompiler(null, null, scratch).Compile(Bytes(Next));
        Assert.That(scratch.Reset(), Is.True);
        var a = new PayloadCompiler(null, null, scratch).Compile(Bytes(A));
        Assert.Multiple(() =>
        {
            Assert.That(Answers(next), Is.EqualTo(Answers(Alone(Next))));
            Assert.That(new GrowthBookScope(next, Users[0]).EvalFeature("b").Value.GetRawText(), Is.EqualTo("""{"z":[3]}"""));
            Assert.That(Answers(a), Is.EqualTo(Answers(Alone(A))));
        });
    }

    [Test]
    public void ConcurrentCompilations_AnswerAsSequentialOnes()
    {
        string[] texts = [A, B, Generated(30), """{"features":{}}""", Generated(MaxKeptFeatures * 2)];
        var expected = texts.Select(text => Answers(Alone(text))).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 40; i++)
            {
                var which = (i + t) % texts.Length;
                if (!Answers(GrowthBookPayload.Parse(Bytes(texts[which]))).SequenceEqual(expected[which]))
                {
                    failures.Enqueue($"thread {t}, round {i}: payload {which} answered differently");
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void AResetScratch_KeepsNeitherTheTextNorTheCompiledPayload()
    {
        var scratch = new CompileScratch();
        var (text, payload) = CompileAndForget(scratch, A);
        Assert.That(scratch.Reset(), Is.True);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Multiple(() =>
        {
            Assert.That(scratch.Capacity, Is.GreaterThan(0), "the scratch keeps the room it grew");
            Assert.That(text.TryGetTarget(out _), Is.False, "the text was collected");
            Assert.That(payload.TryGetTarget(out _), Is.False, "the payload was collected");
        });
        GC.KeepAlive(scratch);
    }

    [Test]
    public void TheCachedScratch_DoesNotKeepTheTextAlive_AfterAParseOrAFailedOne()
    {
        var parsed = ParseAndForget(A, fails: false);
        var failed = ParseAndForget(A[..^20], fails: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Multiple(() =>
        {
            Assert.That(parsed.TryGetTarget(out _), Is.False);
            Assert.That(failed.TryGetTarget(out _), Is.False);
        });
    }

    [Test]
    public void TheAnchorPayloadsScratch_IsKept_AndAScratchGrownPastTheBound_IsNot()
    {
        using var stream = typeof(CompileScratchTests).Assembly.GetManifestResourceStream("anchor-features.json")!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);

        var scratch = new CompileScratch();
        new PayloadCompiler(null, null, scratch).Compile(memory.ToArray());
        var anchor = scratch.Capacity;
        Assert.That(scratch.Reset(), Is.True, $"the anchor's scratch ({anchor} entries) is kept");

        new PayloadCompiler(null, null, scratch).Compile(Bytes(Generated(MaxKeptFeatures * 2)));
        Assert.That(scratch.Capacity, Is.GreaterThan(CompileScratch.MaxKeptEntries));
        Assert.That(scratch.Reset(), Is.False, "a scratch grown past the bound is dropped");
    }

    private const int MaxKeptFeatures = CompileScratch.MaxKeptEntries;

    private static IEnumerable<string> Grouped(List<string> answers) => answers.Where(line => line.StartsWith("grouped ", StringComparison.Ordinal));

    private static GrowthBookPayload Alone(string text) => new PayloadCompiler(null, null, new CompileScratch()).Compile(Bytes(text));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    // Features of several kinds, with conditions and experiments repeated and unique, and warnings.
    private static string Generated(int count)
    {
        var features = Enumerable.Range(0, count).Select(i =>
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            return "\"f" + n + "\":" + (i % 3) switch
            {
                0 => "{\"defaultValue\":0,\"rules\":[{\"condition\":{\"id\":{\"$in\":[\"u" + n + "\",\"u1\"]}},\"force\":" + n + "}]}",
                1 => "{\"defaultValue\":\"a\",\"rules\":[{\"key\":\"e" + n + "\",\"variations\":[\"a\",\"b\"],\"coverage\":0.5,\"hashAttribute\":\"id\"}]}",
                _ => "{\"defaultValue\":true,\"rules\":[{\"condition\":{\"country\":\"US\"},\"force\":false},{\"force\":1,\"coverage\":\"bad\"}]}",
            };
        });
        return "{\"features\":{" + string.Join(",", features) + "}}";
    }

    // Every feature's answer for every user, the warnings and the auto experiments, one line each.
    private static List<string> Answers(GrowthBookPayload payload)
    {
        var lines = new List<string>(payload.Warnings.Select(warning => "warning " + warning));
        lines.AddRange(payload.AutoExperiments.Select(experiment => "auto " + experiment.Public.ToJson().GetRawText()));
        foreach (var key in payload.FeatureKeys.Order(StringComparer.Ordinal))
        {
            for (var user = 0; user < Users.Length; user++)
            {
                var result = new GrowthBookScope(payload, Users[user]).EvalFeature(key);
                lines.Add($"{key} user {user}: {result.Value.GetRawText()} {result.Source} {result.RuleId} "
                    + $"{result.ExperimentResult?.VariationId} {result.ExperimentResult?.InExperiment} {result.Experiment?.ToJson().GetRawText()}");
            }
        }

        return lines;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference<byte[]> Text, WeakReference<GrowthBookPayload> Payload) CompileAndForget(CompileScratch scratch, string text)
    {
        var bytes = Bytes(text);
        var payload = new PayloadCompiler(null, null, scratch).Compile(bytes);
        Assert.That(payload.FeatureKeys, Is.Not.Empty);
        return (new WeakReference<byte[]>(bytes), new WeakReference<GrowthBookPayload>(payload));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<byte[]> ParseAndForget(string text, bool fails)
    {
        var bytes = Bytes(text);
        if (fails)
        {
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse(bytes));
        }
        else
        {
            Assert.That(GrowthBookPayload.Parse(bytes).FeatureKeys, Is.Not.Empty);
        }

        return new WeakReference<byte[]>(bytes);
    }
}
