using System.Globalization;
using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests.Support;

/// <summary>
/// Compares what two clients answer for the same features and users: the client fed by the test data and a client
/// serving a hand-written payload as its bootstrap, as production serves a payload. Every field a caller can read is
/// compared: value, on, source, rule id, the experiment and its result.
/// </summary>
internal static class Answers
{
    /// <summary>Creates a client serving <paramref name="payloadJson"/> (offline, as its bootstrap payload), initialised.</summary>
    public static async Task<GrowthBookClient> ClientForAsync(string payloadJson, IDictionary<string, int>? forcedVariations = null)
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = payloadJson };
        foreach (var (key, variation) in forcedVariations ?? new Dictionary<string, int>())
        {
            options.ForcedVariations[key] = variation;
        }

        var client = new GrowthBookClient(options);
        await client.InitializeAsync();
        return client;
    }

    /// <summary>
    /// Asserts that <paramref name="testData"/> and <paramref name="payloadJson"/> give the same answers for every feature
    /// of <paramref name="keys"/> and every user of the population; returns the test data's answers, by key then user.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<FeatureResult>>> AssertSameAsync(
        GrowthBookTestData testData, string payloadJson, params string[] keys)
    {
        var forced = new GrowthBookClientOptions();
        testData.ApplyTo(forced);
        await using var expected = await ClientForAsync(payloadJson, forced.ForcedVariations);
        await using var actual = await testData.CreateClientAsync();
        Assert.That(actual.PayloadSource, Is.EqualTo(PayloadSource.Custom));

        var answers = new Dictionary<string, IReadOnlyList<FeatureResult>>();
        foreach (var key in keys)
        {
            var results = new List<FeatureResult>();
            foreach (var user in Users.Population)
            {
                var want = expected.EvalFeature(key, user);
                var got = actual.EvalFeature(key, user);
                AssertSame(want, got, $"feature '{key}', user {Describe(user)}");
                results.Add(got);
            }

            answers[key] = results;
        }

        return answers;
    }

    public static void AssertSame(FeatureResult want, FeatureResult got, string what)
    {
        Assert.That(Json(got.Value), Is.EqualTo(Json(want.Value)), $"value of {what}");
        Assert.That(got.On, Is.EqualTo(want.On), $"on, {what}");
        Assert.That(got.Source, Is.EqualTo(want.Source), $"source of {what}");
        Assert.That(got.RuleId, Is.EqualTo(want.RuleId), $"rule id of {what}");
        Assert.That(got.Experiment is null, Is.EqualTo(want.Experiment is null), $"experiment of {what}");
        if (want.Experiment is { } experiment)
        {
            var mine = got.Experiment!;
            Assert.That(mine.Key, Is.EqualTo(experiment.Key), $"experiment key of {what}");
            Assert.That(mine.Variations.Select(Json), Is.EqualTo(experiment.Variations.Select(Json)), $"variations of {what}");
            Assert.That(mine.Weights, Is.EqualTo(experiment.Weights), $"weights of {what}");
            Assert.That(mine.Coverage, Is.EqualTo(experiment.Coverage), $"coverage of {what}");
            Assert.That(mine.HashAttribute, Is.EqualTo(experiment.HashAttribute), $"hash attribute of {what}");
            Assert.That(mine.Seed, Is.EqualTo(experiment.Seed), $"seed of {what}");
            Assert.That(mine.HashVersion, Is.EqualTo(experiment.HashVersion), $"hash version of {what}");
            Assert.That(mine.Name, Is.EqualTo(experiment.Name), $"name of {what}");
            Assert.That(mine.Meta?.Select(m => (m.Key, m.Name)), Is.EqualTo(experiment.Meta?.Select(m => (m.Key, m.Name))), $"meta of {what}");
        }

        Assert.That(got.ExperimentResult is null, Is.EqualTo(want.ExperimentResult is null), $"experiment result of {what}");
        if (want.ExperimentResult is { } result)
        {
            var mine = got.ExperimentResult!;
            Assert.That(
                (mine.VariationId, mine.Key, mine.InExperiment, mine.HashUsed, mine.Bucket, mine.HashAttribute, Json(mine.HashValue), Json(mine.Value), mine.Name, mine.FeatureId),
                Is.EqualTo((result.VariationId, result.Key, result.InExperiment, result.HashUsed, result.Bucket, result.HashAttribute, Json(result.HashValue), Json(result.Value), result.Name, result.FeatureId)),
                $"experiment result of {what}");
        }
    }

    /// <summary>A JSON value in one canonical text: numbers as the doubles they are (so <c>1.0</c> and <c>1</c> do not differ), no spacing.</summary>
    public static string Json(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "undefined",
        JsonValueKind.Number => element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().Select(p => "\"" + JsonEncodedText.Encode(p.Name) + "\"" + ":" + Json(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Json)) + "]",
        _ => element.GetRawText(),
    };

    private static string Describe(UserContext user) => user.Attributes.ToJson().GetRawText();
}
