using BenchmarkDotNet.Attributes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// Loading shared/bench/scale's payloads (1,000 / 10,000 / 50,000 features), as at start-up and on every refresh,
/// and applying a stream update that changes one feature against the payload it replaces.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class ScalePayloadBenchmarks
{
    private byte[] _payload = null!;
    private byte[] _updated = null!;
    private GrowthBookPayloadOptions _againstCurrent = null!;

    [Params(1_000, 10_000, 50_000)]
    public int Features { get; set; } = 1_000; // the smoke run sets no parameters

    [GlobalSetup]
    public void Setup()
    {
        _payload = ScalePayloadGenerator.Generate(Features);
        _updated = ScalePayloadGenerator.WithOneFeatureChanged(Features);
        var current = GrowthBookPayload.Parse(_payload);
        _againstCurrent = new GrowthBookPayloadOptions { Previous = current };
        Verify(current, GrowthBookPayload.Parse(_updated, _againstCurrent), GrowthBookPayload.Parse(_updated));
    }

    [Benchmark(Baseline = true)]
    public GrowthBookPayload Load() => GrowthBookPayload.Parse(_payload);

    [Benchmark]
    public GrowthBookPayload UpdateOneFeature() => GrowthBookPayload.Parse(_updated, _againstCurrent);

    // Every feature compiled without warnings; the update changed f1 alone and answers as a full compile of the same text.
    private void Verify(GrowthBookPayload current, GrowthBookPayload incremental, GrowthBookPayload full)
    {
        if (current.FeatureKeys.Count != Features || current.Warnings.Count != 0)
        {
            throw new InvalidOperationException($"Expected {Features} features without warnings, got {current.FeatureKeys.Count} and {current.Warnings.Count} warnings.");
        }

        var user = new UserContext { Attributes = GrowthBookAttributes.Parse("""{"id":"u1","country":"US","age":30,"plan":"free"}""") };
        using var a = new GrowthBookScope(incremental, user);
        using var b = new GrowthBookScope(full, user);
        foreach (var key in full.FeatureKeys)
        {
            if (a.EvalFeature(key).Value.GetRawText() != b.EvalFeature(key).Value.GetRawText())
            {
                throw new InvalidOperationException($"The incremental update answers differently from a full load for '{key}'.");
            }
        }

        if (!incremental.TryGetFeature("f1", out var changed) || changed.DefaultValue.Js.ToJsString() != "z")
        {
            throw new InvalidOperationException("The update did not change f1.");
        }
    }
}
