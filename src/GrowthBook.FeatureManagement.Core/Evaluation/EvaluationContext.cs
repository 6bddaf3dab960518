using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.StickyBucketing;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>Receives what evaluation observes (docs/engine.md, "Tracking"); implementations dedupe and dispatch.</summary>
internal interface IEvaluationObserver
{
    void OnExperimentViewed(Experiment experiment, ExperimentResult result);

    void OnFeatureUsage(string key, FeatureResult result);
}

/// <summary>Features being evaluated on the current prerequisite path (JS <c>ctx.stack.evaluatedFeatures</c>), as an immutable list.</summary>
internal sealed class FeatureStack(string key, FeatureStack? parent)
{
    private readonly string _key = key;
    private readonly FeatureStack? _parent = parent;

    /// <summary>How many features are on the path (this one included).</summary>
    public int Depth { get; } = (parent?.Depth ?? 0) + 1;

    public static bool Contains(FeatureStack? stack, string key)
    {
        for (var node = stack; node is not null; node = node._parent)
        {
            if (string.Equals(node._key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Everything one evaluation reads. A struct passed by reference: creating it allocates nothing.</summary>
internal readonly struct EvaluationContext(
    GrowthBookPayload payload,
    UserContext user,
    StickyBucketState? sticky,
    IEvaluationObserver? observer,
    FeatureStack? stack = null)
{
    public GrowthBookPayload Payload { get; } = payload;

    public UserContext User { get; } = user;

    public JsObject Attributes => User.Attributes.Values;

    public JsValue AttributesRoot => User.Attributes.Root;

    /// <summary>Non-null when sticky bucketing is on (a store is configured).</summary>
    public StickyBucketState? Sticky { get; } = sticky;

    public IEvaluationObserver? Observer { get; } = observer;

    public FeatureStack? Stack { get; } = stack;

    public EvaluationContext WithStack(FeatureStack? stack) => new(Payload, User, Sticky, Observer, stack);
}
