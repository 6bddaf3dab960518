using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Evaluation;

/// <summary>
/// The feature value readers (docs/native-aot.md): the overloads for the types the engine reads itself, the generic
/// reader by reflection, and the <c>JsonTypeInfo&lt;T&gt;</c> overload for trimmed and Native AOT apps.
/// </summary>
[TestFixture]
public sealed partial class FeatureValueReadersTests
{
    // One feature per kind of JSON value the readers must tell apart.
    private const string Payload = """
        {
          "features": {
            "true": { "defaultValue": true },
            "false": { "defaultValue": false },
            "string": { "defaultValue": "gb" },
            "empty-string": { "defaultValue": "" },
            "numeric-string": { "defaultValue": "1" },
            "zero": { "defaultValue": 0 },
            "negative-zero": { "defaultValue": -0 },
            "three": { "defaultValue": 3 },
            "ratio": { "defaultValue": 1.5 },
            "past-int": { "defaultValue": 2147483648 },
            "max-safe": { "defaultValue": 9007199254740991 },
            "past-safe": { "defaultValue": 9007199254740992 },
            "past-decimal": { "defaultValue": 1e29 },
            "huge": { "defaultValue": 1e300 },
            "object": { "defaultValue": { "color": "red", "size": 2 } },
            "array": { "defaultValue": [1, 2] },
            "null": { "defaultValue": null }
          }
        }
        """;

    private static readonly GrowthBookPayload Compiled = GrowthBookPayload.Parse(Payload);

    private static IEnumerable<string> Keys => ["true", "false", "string", "empty-string", "numeric-string", "zero", "negative-zero", "three", "ratio",
        "past-int", "max-safe", "past-safe", "past-decimal", "huge", "object", "array", "null", "unknown"];

    public sealed record ButtonOptions(string Color, int Size);

    [JsonSerializable(typeof(ButtonOptions))]
    [JsonSerializable(typeof(int))]
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    private sealed partial class WebJsonContext : JsonSerializerContext;

    private static FeatureResult Eval(string key)
    {
        using var scope = new GrowthBookScope(Compiled);
        return scope.EvalFeature(key);
    }

    [TestCaseSource(nameof(Keys))]
    public void TheTypedOverloads_AnswerAsTheGenericReader(string key)
    {
        var result = Eval(key);
        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(false), Is.EqualTo(result.GetValue<bool>(false)));
            Assert.That(result.GetValue(true), Is.EqualTo(result.GetValue<bool>(true)));
            Assert.That(result.GetValue("fallback"), Is.EqualTo(result.GetValue<string>("fallback")));
            Assert.That(result.GetValue((string?)null), Is.EqualTo(result.GetValue<string?>(null)));
            Assert.That(result.GetValue(-7), Is.EqualTo(result.GetValue<int>(-7)));
            Assert.That(result.GetValue(-7L), Is.EqualTo(result.GetValue<long>(-7L)));
            Assert.That(result.GetValue(-7.5), Is.EqualTo(result.GetValue<double>(-7.5)));
            Assert.That(result.GetValue(-7.5m), Is.EqualTo(result.GetValue<decimal>(-7.5m)));
            Assert.That(result.GetValue(default(JsonElement)).ToString(), Is.EqualTo(result.GetValue<JsonElement>(default).ToString()));
            Assert.That(result.GetValue(-7, WebJsonContext.Default.Int32), Is.EqualTo(result.GetValue<int>(-7)), "built-in types keep the engine's reading with a JsonTypeInfo too");
        });
    }

    [Test]
    public void TheTypedOverloads_ReadOnlyTheirOwnJsonType()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Eval("true").GetValue(false), Is.True);
            Assert.That(Eval("string").GetValue(false), Is.False, "a string is not a boolean");
            Assert.That(Eval("string").GetValue("x"), Is.EqualTo("gb"));
            Assert.That(Eval("empty-string").GetValue("x"), Is.EqualTo(""));
            Assert.That(Eval("three").GetValue("x"), Is.EqualTo("x"), "a number is not a string");
            Assert.That(Eval("null").GetValue((string?)null), Is.Null);
            Assert.That(Eval("three").GetValue(0), Is.EqualTo(3));
            Assert.That(Eval("numeric-string").GetValue(0), Is.EqualTo(0), "\"1\" is not the number 1");
            Assert.That(Eval("ratio").GetValue(0), Is.EqualTo(0), "1.5 is not whole");
            Assert.That(Eval("past-int").GetValue(0), Is.EqualTo(0), "2^31 is past int");
            Assert.That(Eval("past-int").GetValue(0L), Is.EqualTo(2147483648L));
            Assert.That(Eval("max-safe").GetValue(0L), Is.EqualTo(9007199254740991L));
            Assert.That(Eval("past-safe").GetValue(0L), Is.EqualTo(0L), "2^53 is past what JavaScript holds exactly");
            Assert.That(Eval("ratio").GetValue(0.0), Is.EqualTo(1.5));
            Assert.That(Eval("huge").GetValue(0.0), Is.EqualTo(1e300));
            Assert.That(Eval("ratio").GetValue(0m), Is.EqualTo(1.5m));
            Assert.That(Eval("past-decimal").GetValue(0m), Is.EqualTo(0m), "1e29 is past decimal");
            Assert.That(Eval("object").GetValue(default(JsonElement)).GetProperty("color").GetString(), Is.EqualTo("red"));
            Assert.That(Eval("array").GetValue(default(JsonElement)).GetArrayLength(), Is.EqualTo(2));
            Assert.That(Eval("unknown").GetValue(-1), Is.EqualTo(-1));
        });
    }

    [Test]
    public void JsonTypeInfo_DeserializesTheCallersTypeWithoutReflection_AsTheReflectionReaderDoes()
    {
        var fallback = new ButtonOptions("blue", 1);
        Assert.Multiple(() =>
        {
            foreach (var key in Keys)
            {
                var result = Eval(key);
                Assert.That(result.GetValue(fallback, WebJsonContext.Default.ButtonOptions), Is.EqualTo(result.GetValue(fallback)), key);
            }

            Assert.That(Eval("object").GetValue(fallback, WebJsonContext.Default.ButtonOptions), Is.EqualTo(new ButtonOptions("red", 2)));
            Assert.That(Eval("array").GetValue(fallback, WebJsonContext.Default.ButtonOptions), Is.EqualTo(fallback), "wrong shape: fallback, no exception");
            Assert.That(Eval("null").GetValue(fallback, WebJsonContext.Default.ButtonOptions), Is.EqualTo(fallback));
            Assert.That(Eval("numeric-string").GetValue(0, WebJsonContext.Default.Int32), Is.EqualTo(0),
                "the Web options would read \"1\" as 1; the engine's rule for int wins");
            Assert.That(() => Eval("object").GetValue(fallback, null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public async Task ScopeAndClient_HaveTheSameReaders()
    {
        using var scope = new GrowthBookScope(Compiled);
        await using var client = new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = Payload });
        await client.InitializeAsync();
        var user = UserContext.Anonymous;
        var fallback = new ButtonOptions("blue", 1);
        Assert.Multiple(() =>
        {
            Assert.That(scope.GetFeatureValue("object", fallback, WebJsonContext.Default.ButtonOptions), Is.EqualTo(new ButtonOptions("red", 2)));
            Assert.That(client.GetFeatureValue("object", fallback, user, WebJsonContext.Default.ButtonOptions), Is.EqualTo(new ButtonOptions("red", 2)));
            Assert.That(client.GetFeatureValue("max-safe", 0L, user), Is.EqualTo(9007199254740991L));
            Assert.That(client.GetFeatureValue("ratio", 0m, user), Is.EqualTo(1.5m));
            Assert.That(client.GetFeatureValue("string", (string?)null, user), Is.EqualTo("gb"));
            Assert.That(client.GetFeatureValue("array", default(JsonElement), user).GetArrayLength(), Is.EqualTo(2));
            Assert.That(scope.GetFeatureValue("past-int", 0), Is.Zero);
            Assert.That(scope.GetFeatureValue("huge", 0.0), Is.EqualTo(1e300));
        });
    }

    [Test]
    public void TheTypedOverloads_DoNotAllocate()
    {
        using var scope = new GrowthBookScope(Compiled);
        var sink = 0.0;
        for (var round = 0; round < 2; round++)
        {
            // Round 0 warms up (JIT, the JSON form of the object value); round 1 is measured.
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                sink += scope.GetFeatureValue("true", false) ? 1 : 0;
                sink += scope.GetFeatureValue("string", "x").Length;
                sink += scope.GetFeatureValue("three", 0);
                sink += scope.GetFeatureValue("max-safe", 0L);
                sink += scope.GetFeatureValue("ratio", 0.0);
                sink += (double)scope.GetFeatureValue("ratio", 0m);
                sink += scope.GetFeatureValue("object", default(JsonElement)).GetPropertyCount();
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.That(allocated, Is.Zero, $"allocated bytes (sink {sink})");
            }
        }
    }

    [Test]
    public void Attributes_FromJsonNodes_AreReadAsTheirJson()
    {
        var attributes = GrowthBookAttributes.From([new("tags", JsonNode.Parse("""["a", {"b": 1}]""")), new("id", new JsonObject { ["x"] = 1.5 })]);
        Assert.That(attributes.ToString(), Is.EqualTo("""{"tags":["a",{"b":1}],"id":{"x":1.5}}"""));
    }
}
