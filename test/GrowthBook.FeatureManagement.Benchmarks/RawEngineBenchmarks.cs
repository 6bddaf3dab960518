using BenchmarkDotNet.Attributes;
using GrowthBook.FeatureManagement.Evaluation;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The same four features through the internal engine entry point (<c>Evaluator.EvalFeature</c> with a fresh
/// <c>EvaluationContext</c>, no sticky bucketing, no observer), to show what, if anything, <see cref="GrowthBookScope"/>
/// adds on top of the engine. Not a headline number.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class RawEngineBenchmarks
{
    private const int Mask = AnchorPayload.UserCount - 1;

    private GrowthBookPayload _payload = null!;
    private UserContext[] _users = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _payload = AnchorPayload.Load();
        _users = AnchorPayload.CreateUsers();
        AnchorPayload.Verify(_users.Length, (user, key) => AnchorPayload.EvalRaw(_payload, _users[user], key));
    }

    [Benchmark]
    public bool RawBoolFlag() => Eval(AnchorPayload.BoolFlag).On;

    [Benchmark]
    public bool RawTargetedFlag() => Eval(AnchorPayload.TargetedFlag).On;

    [Benchmark]
    public FeatureResult RawExperimentFlag() => Eval(AnchorPayload.ExperimentFlag);

    [Benchmark]
    public bool RawManyRulesFlag() => Eval(AnchorPayload.ManyRulesFlag).On;

    private FeatureResult Eval(string key)
    {
        var ctx = new EvaluationContext(_payload, _users[_next = (_next + 1) & Mask], sticky: null, observer: null);
        return Evaluator.EvalFeature(ctx, key);
    }
}
