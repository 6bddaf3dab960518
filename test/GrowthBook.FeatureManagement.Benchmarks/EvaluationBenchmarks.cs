using BenchmarkDotNet.Attributes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// Per-call evaluation cost through the public API (<see cref="GrowthBookScope"/>) on the anchor payload, the same
/// work the official C# and JS SDK numbers were taken on. Every method, the baseline included, picks the next of
/// 1,024 prebuilt users (one increment and a mask), so ratios compare like with like and the experiment sees
/// varying users.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class EvaluationBenchmarks
{
    private const int Mask = AnchorPayload.UserCount - 1;

    private GrowthBookPayload _payload = null!;
    private UserContext[] _users = null!;
    private GrowthBookScope[] _scopes = null!;
    private Dictionary<string, bool> _dictionary = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _payload = AnchorPayload.Load();
        _users = AnchorPayload.CreateUsers();
        _scopes = Array.ConvertAll(_users, user => new GrowthBookScope(_payload, user));
        AnchorPayload.Verify(_scopes.Length, (user, key) => _scopes[user].EvalFeature(key));
        _dictionary = new Dictionary<string, bool>
        {
            [AnchorPayload.BoolFlag] = true,
            [AnchorPayload.TargetedFlag] = true,
            [AnchorPayload.ExperimentFlag] = false,
            [AnchorPayload.ManyRulesFlag] = true,
        };
    }

    /// <summary>What a hand-rolled <c>Dictionary&lt;string, bool&gt;</c> of flags costs: the floor.</summary>
    [Benchmark(Baseline = true)]
    public bool DictionaryLookup()
    {
        _next = (_next + 1) & Mask;
        return _dictionary[AnchorPayload.BoolFlag];
    }

    /// <summary>A feature with a default value only.</summary>
    [Benchmark]
    public bool BoolFlag() => _scopes[_next = (_next + 1) & Mask].IsOn(AnchorPayload.BoolFlag);

    /// <summary>The same feature's value read as a .NET type (the typed reader over the evaluation).</summary>
    [Benchmark]
    public bool BoolValue() => _scopes[_next = (_next + 1) & Mask].GetFeatureValue(AnchorPayload.BoolFlag, false);

    /// <summary>One force rule with <c>{"country":{"$in":["US","CA"]},"age":{"$gt":18}}</c> that matches.</summary>
    [Benchmark]
    public bool TargetedFlag() => _scopes[_next = (_next + 1) & Mask].IsOn(AnchorPayload.TargetedFlag);

    /// <summary>A 2-way experiment rule (hash version 2) over 1,024 users; returns the full result.</summary>
    [Benchmark]
    public FeatureResult ExperimentFlag() => _scopes[_next = (_next + 1) & Mask].EvalFeature(AnchorPayload.ExperimentFlag);

    /// <summary>20 force rules, only the last of which matches.</summary>
    [Benchmark]
    public bool ManyRulesFlag() => _scopes[_next = (_next + 1) & Mask].IsOn(AnchorPayload.ManyRulesFlag);

    /// <summary>A new per-request scope over the shared payload.</summary>
    [Benchmark]
    public GrowthBookScope ScopeCreation() => new(_payload, _users[_next = (_next + 1) & Mask]);
}
