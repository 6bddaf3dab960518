using BenchmarkDotNet.Attributes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>Parsing and compiling a large payload, as a client does on every refresh.</summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class PayloadBenchmarks
{
    private const int FeatureCount = 1_000;

    private byte[] _payload1000 = null!;
    private byte[] _anchor = null!;
    private byte[] _anchorMinified = null!;
    private byte[] _anchorWithoutConditions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _anchor = System.Text.Encoding.UTF8.GetBytes(AnchorPayload.ReadJson());
        var anchor = System.Text.Json.Nodes.JsonNode.Parse(_anchor)!;
        _anchorMinified = System.Text.Encoding.UTF8.GetBytes(anchor.ToJsonString());
        foreach (var feature in anchor["features"]!.AsObject())
        {
            foreach (var rule in feature.Value!["rules"]?.AsArray() ?? [])
            {
                rule!.AsObject().Remove("condition");
            }
        }

        _anchorWithoutConditions = System.Text.Encoding.UTF8.GetBytes(anchor.ToJsonString());
        if (GrowthBookPayload.Parse(_anchorMinified).FeatureKeys.Count != 4 || GrowthBookPayload.Parse(_anchorWithoutConditions).Warnings.Count != 0)
        {
            throw new InvalidOperationException("The anchor's variants did not compile as the anchor does.");
        }

        _payload1000 = LargePayloadGenerator.Generate(FeatureCount);
        Verify(GrowthBookPayload.Parse(_payload1000));
        Console.WriteLine($"// Generated payload: {FeatureCount} features, {_payload1000.Length:N0} bytes of UTF-8 JSON.");
    }

    [Benchmark]
    public GrowthBookPayload ParseAndCompile1000Features() => GrowthBookPayload.Parse(_payload1000);

    /// <summary>The four-feature anchor payload, the same work as the other SDKs' parse numbers.</summary>
    [Benchmark]
    public GrowthBookPayload ParseAndCompileAnchor() => GrowthBookPayload.Parse(_anchor);

    /// <summary>The anchor payload without its indentation: what stepping over whitespace costs.</summary>
    [Benchmark]
    public GrowthBookPayload ParseAndCompileAnchorMinified() => GrowthBookPayload.Parse(_anchorMinified);

    /// <summary>The minified anchor payload without its rules' conditions: what compiling the conditions costs.</summary>
    [Benchmark]
    public GrowthBookPayload ParseAndCompileAnchorWithoutConditions() => GrowthBookPayload.Parse(_anchorWithoutConditions);

    /// <summary>Every feature compiled without warnings, and evaluating them all exercises every kind of rule.</summary>
    private static void Verify(GrowthBookPayload payload)
    {
        if (payload.FeatureKeys.Count != FeatureCount)
        {
            throw new InvalidOperationException($"Expected {FeatureCount} features, got {payload.FeatureKeys.Count}.");
        }

        if (payload.Warnings.Count != 0)
        {
            throw new InvalidOperationException("The generated payload compiled with warnings: " + string.Join("; ", payload.Warnings.Take(10)));
        }

        var sources = new Dictionary<FeatureSource, int>();
        for (var u = 0; u < 64; u++)
        {
            var attributes = GrowthBookAttributes.From(
            [
                new("id", "user-" + (u * 13).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("country", u % 2 == 0 ? "US" : "DE"),
                new("age", 18 + u),
                new("plan", u % 3 == 0 ? "pro" : "free"),
                new("email", u % 4 == 0 ? "dev@growthbook.io" : "someone@example.com"),
                new("appVersion", "2." + (u % 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".1"),
                new("company", new Dictionary<string, object?> { ["plan"] = u % 5 == 0 ? "enterprise" : "free" }),
                new("browser", "firefox"),
            ]);
            using var scope = new GrowthBookScope(payload, new UserContext { Attributes = attributes });
            foreach (var key in payload.FeatureKeys)
            {
                var source = scope.EvalFeature(key).Source;
                sources[source] = sources.GetValueOrDefault(source) + 1;
            }
        }

        foreach (var expected in new[] { FeatureSource.DefaultValue, FeatureSource.Force, FeatureSource.Experiment, FeatureSource.Prerequisite })
        {
            if (sources.GetValueOrDefault(expected) == 0)
            {
                throw new InvalidOperationException($"No feature of the generated payload evaluated from {expected}; the payload or the engine is wrong.");
            }
        }

        Console.WriteLine("// Generated payload, 64 users x 1,000 features, results by source: " + string.Join(", ", sources.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
    }
}
