using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// A payload compiled against the one it replaces (<see cref="GrowthBookPayloadOptions.Previous"/>) gives the same
/// answers as the same text compiled alone, for every feature and user, after random edits of every kind; and it
/// really reuses what did not change.
/// </summary>
[TestFixture]
public sealed class IncrementalCompileTests
{
    private const int Features = 400;
    private static readonly string[] Countries = ["US", "CA", "GB", "DE"];

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void RandomEdits_IncrementalAndFullCompileAnswerTheSame(int seed)
    {
        var random = new Random(seed);
        var json = Generate(random);
        var previous = GrowthBookPayload.Parse(Bytes(json));
        var users = Users(random, 40);
        var reused = 0;
        for (var round = 0; round < 25; round++)
        {
            var edited = Edit(json, random, out var touched);
            var bytes = Bytes(edited);
            var incremental = GrowthBookPayload.Parse(bytes, new GrowthBookPayloadOptions { Previous = previous });
            var full = GrowthBookPayload.Parse(bytes);

            AssertSameAnswers(incremental, full, users, $"seed {seed}, round {round}, edited {string.Join(",", touched)}");
            foreach (var key in incremental.FeatureKeys)
            {
                var same = previous.TryGetFeature(key, out var before) && incremental.TryGetFeature(key, out var after) && ReferenceEquals(before, after);
                reused += same ? 1 : 0;
                if (same && touched.Contains(key))
                {
                    Assert.Fail($"feature {key} was edited but its old compiled form was reused (round {round})");
                }
            }

            previous = incremental;
            json = edited;
        }

        Assert.That(reused, Is.GreaterThan(25 * Features / 2), "unchanged features are reused, not compiled again");
    }

    [Test]
    public void ASavedGroupEdit_RecompilesTheFeaturesThatReadIt()
    {
        var json = JsonNode.Parse("""
            {"features":{"g":{"defaultValue":0,"rules":[{"condition":{"id":{"$inGroup":"grp"}},"force":1}]},"h":{"defaultValue":2}},
             "savedGroups":{"grp":["u1"]}}
            """)!.AsObject();
        var previous = GrowthBookPayload.Parse(Bytes(json));
        json["savedGroups"]!["grp"] = new JsonArray("u2");
        var incremental = GrowthBookPayload.Parse(Bytes(json), new GrowthBookPayloadOptions { Previous = previous });

        var u2 = new UserContext { Attributes = GrowthBookAttributes.Parse("""{"id":"u2"}""") };
        Assert.Multiple(() =>
        {
            Assert.That(new GrowthBookScope(incremental, u2).GetFeatureValue("g", -1), Is.EqualTo(1));
            Assert.That(previous.TryGetFeature("h", out var h) && incremental.TryGetFeature("h", out var h2) && ReferenceEquals(h, h2), Is.True, "h reads no group: reused");
        });
    }

    [Test]
    public void AFeatureRenamedInPlaceOrMoved_IsFoundByItsKey_NotByItsPlace()
    {
        var previous = GrowthBookPayload.Parse("""{"features":{"a":{"defaultValue":1},"b":{"defaultValue":2},"c":{"defaultValue":3}}}""");
        var options = new GrowthBookPayloadOptions { Previous = previous };

        // "a" renamed "z" with the same value at the same place; "b" and "c" swapped.
        var incremental = GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""{"features":{"z":{"defaultValue":1},"c":{"defaultValue":3},"b":{"defaultValue":2}}}"""), options);
        using var scope = new GrowthBookScope(incremental);
        Assert.Multiple(() =>
        {
            Assert.That(incremental.FeatureKeys, Is.EquivalentTo(new[] { "z", "c", "b" }));
            Assert.That(new[] { "z", "c", "b" }.Select(key => scope.GetFeatureValue(key, 0)), Is.EqualTo(new[] { 1, 3, 2 }));
            Assert.That(scope.EvalFeature("a").Source, Is.EqualTo(FeatureSource.UnknownFeature));
            Assert.That(incremental.TryGetFeature("z", out var z) && z.Key == "z", Is.True, "compiled anew under its new key");
            Assert.That(previous.TryGetFeature("c", out var c) && incremental.TryGetFeature("c", out var c2) && ReferenceEquals(c, c2), Is.True, "a moved feature is reused");
        });
    }

    [Test]
    public void TextThatIsNotJson_IsRefusedEvenWhereItRepeatsThePreviousFeatures()
    {
        var previous = GrowthBookPayload.Parse("""{"features":{"a":{"defaultValue":1},"b":{"defaultValue":2}}}""");
        var options = new GrowthBookPayloadOptions { Previous = previous };
        Assert.Multiple(() =>
        {
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""{"features":{"a":{"defaultValue":1},"b":{"defaultValue":2},}}"""), options));
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""{"features":{"a":{"defaultValue":1}"b":{"defaultValue":2}}}"""), options));
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""{"features":{"a":{"defaultValue":1},"b":{"defaultValue":2}}} x"""), options));
            Assert.Throws<JsonException>(() => GrowthBookPayload.Parse(Encoding.UTF8.GetBytes("""{"features":{"a":{"defaultValue":1},"b":{"defaultValue":2"""), options));
        });
    }

    private static void AssertSameAnswers(GrowthBookPayload incremental, GrowthBookPayload full, UserContext[] users, string what)
    {
        Assert.That(incremental.FeatureKeys.Order(StringComparer.Ordinal), Is.EqualTo(full.FeatureKeys.Order(StringComparer.Ordinal)), what);
        Assert.That(incremental.Warnings, Is.EquivalentTo(full.Warnings), what);
        foreach (var user in users)
        {
            var a = new GrowthBookScope(incremental, user);
            var b = new GrowthBookScope(full, user);
            foreach (var key in full.FeatureKeys)
            {
                var x = a.EvalFeature(key);
                var y = b.EvalFeature(key);
                if (x.Value.GetRawText() != y.Value.GetRawText() || x.Source != y.Source || x.RuleId != y.RuleId
                    || x.ExperimentResult?.VariationId != y.ExperimentResult?.VariationId || x.ExperimentResult?.InExperiment != y.ExperimentResult?.InExperiment
                    || x.Experiment?.ToJson().GetRawText() != y.Experiment?.ToJson().GetRawText())
                {
                    Assert.Fail($"{what}: feature {key} differs: {x.Value.GetRawText()}/{x.Source}/{x.RuleId} incremental, {y.Value.GetRawText()}/{y.Source}/{y.RuleId} full");
                }
            }
        }
    }

    private static byte[] Bytes(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    private static UserContext[] Users(Random random, int count)
        => [.. Enumerable.Range(0, count).Select(i => new UserContext
        {
            Attributes = GrowthBookAttributes.Parse(
                $$"""{"id":"u{{i}}","country":"{{Countries[random.Next(Countries.Length)]}}","age":{{random.Next(10, 60)}},"plan":"{{(random.Next(2) == 0 ? "free" : "pro")}}"}"""),
        })];

    private static JsonObject Generate(Random random)
    {
        var features = new JsonObject();
        for (var i = 0; i < Features; i++)
        {
            features["f" + i.ToString(CultureInfo.InvariantCulture)] = Feature(i, random);
        }

        return new JsonObject
        {
            ["status"] = 200,
            ["features"] = features,
            ["savedGroups"] = new JsonObject { ["grp0"] = new JsonArray("u1", "u2", "u3"), ["grp1"] = new JsonArray("u4", "u5") },
            ["dateUpdated"] = "2026-01-01T00:00:00Z",
        };
    }

    private static JsonObject Feature(int i, Random random)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        string R(int min, int max) => random.Next(min, max).ToString(CultureInfo.InvariantCulture);
        return Node((i % 6) switch
        {
            0 => "{\"defaultValue\":false,\"rules\":[{\"id\":\"r" + n + "\",\"condition\":{\"country\":{\"$in\":[\"" + Countries[random.Next(4)] + "\",\"CA\"]},\"age\":{\"$gt\":" + R(15, 40) + "}},\"force\":true}]}",
            1 => "{\"defaultValue\":\"a\",\"rules\":[{\"key\":\"e" + n + "\",\"variations\":[\"a\",\"b\",\"c\"],\"weights\":[0.3,0.3,0.4],\"coverage\":0." + R(5, 10) + ",\"hashVersion\":2,\"seed\":\"s" + n + "\",\"meta\":[{\"key\":\"0\"},{\"key\":\"1\"},{\"key\":\"2\"}],\"phase\":\"0\"}]}",
            2 => "{\"defaultValue\":{\"n\":" + n + "},\"rules\":[{\"condition\":{\"plan\":{\"$regex\":\"^p\"}},\"force\":{\"n\":" + R(0, 100) + "}}]}",
            3 => "{\"defaultValue\":0,\"rules\":[{\"condition\":{\"id\":{\"$inGroup\":\"grp" + R(0, 2) + "\"}},\"force\":" + R(1, 9) + "}]}",
            4 => "{\"defaultValue\":1,\"rules\":[{\"parentConditions\":[{\"id\":\"f" + (i - 4).ToString(CultureInfo.InvariantCulture) + "\",\"condition\":{\"value\":true}}],\"force\":2},{\"force\":3,\"coverage\":0.5,\"hashAttribute\":\"id\"}]}",
            _ => "{\"defaultValue\":\"x\",\"rules\":[{\"condition\":{\"$or\":[{\"plan\":\"pro\"},{\"age\":{\"$lt\":20}}]},\"force\":\"y\"},{\"force\":\"z\",\"coverage\":\"bad\"}]}",
        });
    }

    private static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();

    // One to three edits of random kinds: a feature changed, removed, added or replaced by garbage; a saved group changed.
    private static JsonObject Edit(JsonObject json, Random random, out HashSet<string> touched)
    {
        var copy = JsonNode.Parse(json.ToJsonString())!.AsObject();
        var features = copy["features"]!.AsObject();
        touched = [];
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var keys = features.Select(p => p.Key).ToList();
            var key = keys[random.Next(keys.Count)];
            switch (random.Next(6))
            {
                case 0:
                    features[key] = Feature(random.Next(Features), random);
                    touched.Add(key);
                    break;
                case 1:
                    features.Remove(key);
                    break;
                case 2:
                    var added = "new" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                    features[added] = Feature(random.Next(Features), random);
                    touched.Add(added);
                    break;
                case 3:
                    features[key] = JsonValue.Create(random.Next(2) == 0 ? "garbage" : "[1,2]");
                    touched.Add(key);
                    break;
                case 4:
                    copy["savedGroups"]!["grp" + random.Next(2).ToString(CultureInfo.InvariantCulture)] = new JsonArray("u" + random.Next(40).ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    features[key]!["defaultValue"] = random.Next(1000);
                    touched.Add(key);
                    break;
            }
        }

        return copy;
    }
}
