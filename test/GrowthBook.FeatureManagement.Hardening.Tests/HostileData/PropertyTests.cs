using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GrowthBook.FeatureManagement.Hardening.Support;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>
/// Property-based hostile data (FsCheck): arbitrary conditions × arbitrary attributes never make evaluation throw;
/// arbitrary payloads never make loading throw to the caller, and every feature then evaluates; hashes stay in [0, 1).
/// Fixed replay seeds keep every run the same.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class PropertyTests
{
    private const string Seed = "(1234567890,9876543211)";
    private static readonly ScenarioCounter Conditions = new();
    private static readonly ScenarioCounter Payloads = new();
    private static readonly ScenarioCounter Hashes = new();
    private static readonly UserContext PayloadUser = new()
    {
        Attributes = GrowthBookAttributes.Parse($$"""{"id":"u1","email":"{{CapturedOutput.SecureEmail}}","tags":["a",1,null],"n":1e400,"obj":{"x":"\ud800"},"version":"1.2.3"}"""),
    };

    // Lists, a v2 list, and a group whose condition refers to itself.
    private const string SavedGroups = """
        "savedGroups":{"g1":["US","a",1,null],"g2":{"type":"list","values":["b"]},"cycle":{"type":"condition","condition":{"$savedGroup":{"id":"cycle"}}}}
        """;

    private readonly Stopwatch _watch = new();
    private ILoggerFactory _logging = null!;
    private double _slowestConditionMs;
    private long _conditionsTrue;
    private double _slowestPayloadMs;
    private long _documentedRejections;

    [OneTimeSetUp]
    public void Start() => _logging = CapturedOutput.CreateLoggerFactory();

    [OneTimeTearDown]
    public void Stop() => _logging.Dispose();

    [SetUp]
    public void StartWatch() => _watch.Restart();

    // FsCheck runs every case inside one NUnit test: its row is recorded when the test ends.
    [TearDown]
    public void Record()
    {
        switch (TestContext.CurrentContext.Test.MethodName)
        {
            case nameof(ArbitraryConditionsAndAttributes_NeverThrow):
                Summary.Record("Hostile data: conditions × attributes (FsCheck)", Conditions.Iterations, Conditions.Failures, $"slowest evaluation {_slowestConditionMs:0.00} ms; {100.0 * _conditionsTrue / Math.Max(1, Conditions.Iterations):0}% of conditions true", _watch.Elapsed);
                break;
            case nameof(ArbitraryPayloads_LoadWithoutThrowingAndEveryFeatureEvaluates):
                Summary.Record("Hostile data: arbitrary payloads (FsCheck)", Payloads.Iterations, Payloads.Failures, $"slowest load+evaluate-all {_slowestPayloadMs:0.00} ms; {_documentedRejections} rejected by Parse as documented", _watch.Elapsed);
                break;
            default:
                Summary.Record("Hostile data: hash v1/v2 in [0, 1) (FsCheck)", Hashes.Iterations, Hashes.Failures, "every bucket in [0, 1)", _watch.Elapsed);
                break;
        }
    }

    [FsCheck.NUnit.Property(MaxTest = 3000, EndSize = 24, Arbitrary = [typeof(HostileArbitraries)], Replay = Seed, QuietOnSuccess = true)]
    public bool ArbitraryConditionsAndAttributes_NeverThrow(HostileCondition condition, HostileAttributes attributes)
    {
        Conditions.Add();
        try
        {
            var c = condition.Json;
            var payload = GrowthBookPayload.Parse(
                "{\"features\":{" +
                "\"f\":{\"defaultValue\":0,\"rules\":[{\"condition\":" + c + ",\"force\":1},{\"condition\":" + c + ",\"variations\":[2,3],\"hashAttribute\":\"id\"}]}," +
                "\"p\":{\"defaultValue\":\"p\",\"rules\":[{\"parentConditions\":[{\"id\":\"f\",\"condition\":" + c + ",\"gate\":false}],\"force\":\"q\"}]}}," +
                SavedGroups + "}");
            var user = new UserContext { Attributes = GrowthBookAttributes.Parse(attributes.Json) };
            using var scope = new GrowthBookScope(payload, user);
            var watch = Stopwatch.StartNew();
            var f = scope.EvalFeature("f");
            var p = scope.EvalFeature("p");
            var e = scope.Run(new Experiment { Key = "e", Variations = [Json("0"), Json("1")], Condition = Json(c) });
            _slowestConditionMs = Math.Max(_slowestConditionMs, watch.Elapsed.TotalMilliseconds);
            var ok = f.Value.ValueKind == JsonValueKind.Number && f.Value.GetDouble() is 0 or 1 or 2 or 3
                && p.Value.GetString() is "p" or "q"
                && e.VariationId is 0 or 1;
            _conditionsTrue += f.Value.ValueKind == JsonValueKind.Number && f.Value.GetDouble() is 1 ? 1 : 0;
            if (!ok)
            {
                Conditions.Fail();
            }

            return ok;
        }
        catch (Exception)
        {
            Conditions.Fail();
            throw;
        }
    }

    [FsCheck.NUnit.Property(MaxTest = 800, EndSize = 20, Arbitrary = [typeof(HostileArbitraries)], Replay = Seed, QuietOnSuccess = true)]
    public bool ArbitraryPayloads_LoadWithoutThrowingAndEveryFeatureEvaluates(HostilePayload payload)
    {
        Payloads.Add();
        try
        {
            var watch = Stopwatch.StartNew();
            try
            {
                _ = GrowthBookPayload.Parse(payload.Json);
            }
            catch (Exception e) when (e is JsonException or GrowthBookDecryptionException)
            {
                _documentedRejections++; // Parse documents these two for input that is not a usable payload
            }

            // Through the client, loading never throws: a payload it cannot use leaves it without one.
            using var client = new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = payload.Json }, loggerFactory: _logging);
            var init = client.InitializeAsync().GetAwaiter().GetResult();
            CapturedOutput.Seen(init.Error);
            var ok = init.Status is InitializationStatus.Bootstrap or InitializationStatus.Failed;
            foreach (var key in client.Payload.FeatureKeys.Append("unknown-feature"))
            {
                var result = client.EvalFeature(key, PayloadUser);
                ok &= result is not null && result.Key == key;
                using var scope = client.CreateScope(PayloadUser);
                ok &= scope.EvalFeature(key).Key == key;
            }

            _slowestPayloadMs = Math.Max(_slowestPayloadMs, watch.Elapsed.TotalMilliseconds);
            if (!ok)
            {
                Payloads.Fail();
            }

            return ok;
        }
        catch (Exception)
        {
            Payloads.Fail();
            throw;
        }
    }

    [FsCheck.NUnit.Property(MaxTest = 5000, Replay = Seed, QuietOnSuccess = true)]
    public bool Hashes_AreAlwaysInTheUnitInterval(string? value, string? seed, bool version2)
    {
        Hashes.Add();
        value = string.IsNullOrEmpty(value) ? "x" : value; // an empty hash value is not bucketed at all
        using var scope = new GrowthBookScope(GrowthBookPayload.Empty, new UserContext { Attributes = GrowthBookAttributes.From([new("id", value)]) });
        var result = scope.Run(new Experiment { Key = "k", Variations = [Json("0"), Json("1")], Seed = seed, HashVersion = version2 ? 2 : 1 });

        // Equal weights over full coverage tile [0, 1): a bucket in range always lands in a variation.
        var ok = result.Bucket is >= 0 and < 1 && result.InExperiment;
        if (!ok)
        {
            Hashes.Fail();
        }

        return ok;
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 100_000 });
        return document.RootElement.Clone();
    }
}
