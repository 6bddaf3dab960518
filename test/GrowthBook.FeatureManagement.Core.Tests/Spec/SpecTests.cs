using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Decryption;
using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Tests.StickyBucketing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>
/// GrowthBook's official SDK spec suite, every case its own test, compared as the reference harness
/// (<c>packages/sdk-js/test/json.test.ts</c>) compares them (docs/engine.md, "What is evaluated").
/// </summary>
[TestFixture]
[Category("Spec")]
public sealed class SpecTests
{
    // Context members the harness applies; a case with any other fails rather than run without it.
    private static readonly HashSet<string> ContextKeys = new(StringComparer.Ordinal)
    {
        "attributes", "url", "forcedVariations", "qaMode", "enabled", "features", "savedGroups", "contextualBandits",
        "experiments", "stickyBucketAssignmentDocs",
    };

    [SetUp]
    public void Count() => SpecCases.CountRun();

    [OneTimeTearDown]
    public void ReportCount()
        => TestContext.Progress.WriteLine($"Spec suite: {SpecCases.Ran} of the {SpecCases.Loaded} loaded cases ran in this process.");

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "evalCondition" })]
    public void EvalCondition(SpecCase c)
    {
        var savedGroups = c.Length > 4 ? new SavedGroups(JsJson.ObjectFromElement(c[4])) : SavedGroups.Empty;
        var compiler = new ConditionCompiler(savedGroups);
        var condition = compiler.Compile(JsJson.FromElement(c[1]));
        savedGroups.Link(compiler); // as a payload does once it has read its saved groups
        Assert.That(condition.Evaluate(JsJson.FromElement(c[2]), null), Is.EqualTo(c[3].GetBoolean()));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "hash" })]
    public void Hash(SpecCase c)
    {
        var expected = c[3].ValueKind == JsonValueKind.Null ? (double?)null : c[3].GetDouble();
        Assert.That(Bucketing.Hash(c[0].GetString()!, c[1].GetString()!, c[2].GetInt32()), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "getBucketRange" })]
    public void GetBucketRange(SpecCase c)
    {
        var args = c[1];
        double[]? weights = args[2].ValueKind == JsonValueKind.Null ? null : args[2].EnumerateArray().Select(w => w.GetDouble()).ToArray();
        var ranges = Bucketing.GetBucketRanges(args[0].GetInt32(), args[1].GetDouble(), weights);
        var expected = c[2].EnumerateArray().Select(r => (Round(r[0].GetDouble()), Round(r[1].GetDouble()))).ToArray();
        Assert.That(ranges.Select(r => (Round(r.Start), Round(r.End))).ToArray(), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "chooseVariation" })]
    public void ChooseVariation(SpecCase c)
    {
        var ranges = c[2].EnumerateArray().Select(r => new BucketRange(r[0].GetDouble(), r[1].GetDouble())).ToArray();
        Assert.That(Bucketing.ChooseVariation(c[1].GetDouble(), ranges), Is.EqualTo(c[3].GetInt32()));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "getQueryStringOverride" })]
    public void GetQueryStringOverride(SpecCase c)
    {
        int? expected = c[4].ValueKind == JsonValueKind.Null ? null : c[4].GetInt32();
        Assert.That(UrlTargeting.GetQueryStringOverride(c[1].GetString()!, c[2].GetString(), c[3].GetInt32()), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "inNamespace" })]
    public void InNamespace(SpecCase c)
    {
        var ns = new Namespace(c[2][0].GetString()!, c[2][1].GetDouble(), c[2][2].GetDouble());
        Assert.That(Bucketing.InNamespace(c[1].GetString()!, ns), Is.EqualTo(c[3].GetBoolean()));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "getEqualWeights" })]
    public void GetEqualWeights(SpecCase c)
    {
        var expected = c[1].EnumerateArray().Select(w => Round(w.GetDouble())).ToArray();
        Assert.That(Bucketing.GetEqualWeights(c[0].GetInt32()).Select(Round).ToArray(), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "decrypt" })]
    public void Decrypt(SpecCase c)
    {
        if (c[3].ValueKind == JsonValueKind.Null)
        {
            Assert.Throws<GrowthBookDecryptionException>(() => PayloadDecryptor.Decrypt(c[1].GetString()!, c[2].GetString()!));
        }
        else
        {
            Assert.That(PayloadDecryptor.Decrypt(c[1].GetString()!, c[2].GetString()!), Is.EqualTo(c[3].GetString()));
        }
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "feature" })]
    public void Feature(SpecCase c) => AssertFeature(c);

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "contextualBandit" })]
    public void ContextualBandit(SpecCase c) => AssertFeature(c);

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "run" })]
    public void Run(SpecCase c)
    {
        using var scope = CreateScope(c[1]);
        var result = scope.Run(Experiment.FromJson(c[2]));
        Assert.Multiple(() =>
        {
            JsonAssert.AreEqual(c[3], result.Value, "value");
            Assert.That(result.InExperiment, Is.EqualTo(c[4].GetBoolean()), "inExperiment");
            Assert.That(result.HashUsed, Is.EqualTo(c[5].GetBoolean()), "hashUsed");
        });
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "stickyBucket" })]
    public Task StickyBucket(SpecCase c) => StickyBucketOn(c, StickyStore.InMemory);

    /// <summary>Runs a stickyBucket case on a store (StickyBucketing/StickyBucketSpecOnStoresTests runs every store).</summary>
    internal static async Task StickyBucketOn(SpecCase c, StickyStore store)
    {
        await using var stores = new StickyStores(store);
        var service = await stores.NewInstanceAsync();
        foreach (var doc in c[2].EnumerateArray())
        {
            await service.SaveAssignmentsAsync(ReadDoc(doc));
        }

        // The context's own documents (stickyBucketAssignmentDocs, keyed by "attributeName||attributeValue") come first.
        if (c[1].TryGetProperty("stickyBucketAssignmentDocs", out var contextDocs))
        {
            foreach (var doc in contextDocs.EnumerateObject())
            {
                await service.SaveAssignmentsAsync(ReadDoc(doc.Value));
            }
        }

        using var scope = CreateScope(c[1]);
        await scope.LoadStickyBucketsAsync(service);
        var result = scope.EvalFeature(c[3].GetString()!);

        if (c[4].ValueKind == JsonValueKind.Null)
        {
            Assert.That(result.ExperimentResult, Is.Null, "experimentResult");
        }
        else
        {
            Assert.That(result.ExperimentResult, Is.Not.Null, "experimentResult");
            JsonAssert.AreEqual(c[4], SpecResultJson.Result(result.ExperimentResult!), "experimentResult");
        }

        JsonAssert.AreEqual(c[5], DocsJson(scope.GetStickyBucketAssignmentDocs()), "sticky bucket docs");

        // What the store holds afterwards, read by another instance, is what the spec expects too.
        await scope.FlushStickyBucketSavesAsync();
        var expected = c[5].EnumerateObject().ToDictionary(d => d.Value.GetProperty("attributeName").GetString()!, d => d.Value.GetProperty("attributeValue").GetString()!);
        var stored = await (await stores.NewInstanceAsync()).GetAllAssignmentsAsync(expected);
        JsonAssert.AreEqual(c[5], DocsJson(stored), "sticky bucket docs in the store");
    }

    private static JsonElement DocsJson(IReadOnlyDictionary<string, StickyAssignmentsDocument> documents)
    {
        var docs = new JsonObject();
        foreach (var (key, doc) in documents)
        {
            docs[key] = new JsonObject
            {
                ["attributeName"] = doc.AttributeName,
                ["attributeValue"] = doc.AttributeValue,
                ["assignments"] = new JsonObject(doc.Assignments.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
            };
        }

        return JsonSerializer.SerializeToElement(docs);
    }

    [TestCaseSource(typeof(SpecCases), nameof(SpecCases.For), new object[] { "urlRedirect" })]
    public void UrlRedirect(SpecCase c)
    {
        var context = c[1];
        var payload = GrowthBookPayload.FromJson(PayloadOf(context));
        var user = UserOf(context);
        var redirects = UrlRedirects.Evaluate(payload, user);
        var actual = new JsonArray(redirects.Select(r => (JsonNode?)new JsonObject
        {
            ["inExperiment"] = r.Result.InExperiment,
            ["urlRedirect"] = JsonNode.Parse(r.Result.Value.GetProperty("urlRedirect").GetRawText()),
            ["urlWithParams"] = r.RedirectUrl,
        }).ToArray());
        JsonAssert.AreEqual(c[2], JsonSerializer.SerializeToElement(actual), "tracked redirects");
    }

    private static void AssertFeature(SpecCase c)
    {
        using var scope = CreateScope(c[1]);
        var result = scope.EvalFeature(c[2].GetString()!);
        JsonAssert.AreEqual(c[3], SpecResultJson.Feature(result), "feature result");
    }

    private static GrowthBookScope CreateScope(JsonElement context)
    {
        var unknown = context.EnumerateObject().Select(p => p.Name).Where(name => !ContextKeys.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            Assert.Fail("The case's context has members the harness does not apply: " + string.Join(", ", unknown));
        }

        return new(GrowthBookPayload.FromJson(PayloadOf(context)), UserOf(context));
    }

    private static JsonElement PayloadOf(JsonElement context)
    {
        var payload = new JsonObject();
        foreach (var name in new[] { "features", "savedGroups", "contextualBandits", "experiments" })
        {
            if (context.TryGetProperty(name, out var section))
            {
                payload[name] = JsonNode.Parse(section.GetRawText());
            }
        }

        return JsonSerializer.SerializeToElement(payload);
    }

    private static UserContext UserOf(JsonElement context) => new()
    {
        Attributes = context.TryGetProperty("attributes", out var attributes)
            ? GrowthBookAttributes.FromJson(attributes)
            : GrowthBookAttributes.Empty,
        Url = context.TryGetProperty("url", out var url) ? url.GetString() : null,
        ForcedVariations = context.TryGetProperty("forcedVariations", out var forced)
            ? forced.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32())
            : null,
        QaMode = context.TryGetProperty("qaMode", out var qa) && qa.GetBoolean(),
        Enabled = !context.TryGetProperty("enabled", out var enabled) || enabled.GetBoolean(),
    };

    private static StickyAssignmentsDocument ReadDoc(JsonElement doc) => new(
        doc.GetProperty("attributeName").GetString()!,
        doc.GetProperty("attributeValue").GetString()!,
        doc.GetProperty("assignments").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));

    // The harness rounds both sides with floor(x * 1e8) / 1e8.
    private static double Round(double x) => Math.Floor(x * 1e8) / 1e8;
}
