using GrowthBook.FeatureManagement.Evaluation;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// The experiment <c>evalFeature</c> builds from an experiment rule (docs/engine.md, "How a payload is compiled"): the
/// members it copies from the rule — some only when truthy, some when present — with the key defaulting to the
/// feature's. Nothing is copied: each member is read from the rule when asked for.
/// </summary>
internal sealed class RuleExperimentMembers : JsonMembers
{
    private JsonMembers _rule = null!;
    private string _featureKey = "";
    private Member _variations;

    /// <summary>Stands for the experiment of <paramref name="rule"/>, a rule of feature <paramref name="featureKey"/>.</summary>
    public RuleExperimentMembers Of(JsonMembers rule, string featureKey)
    {
        _rule = rule;
        _featureKey = featureKey;

        // Contextual bandit rules carry their variations under `contextualVariations`.
        _variations = rule.TypeOf(Member.ContextualVariations) == JsType.Null ? Member.Variations : Member.ContextualVariations;
        return this;
    }

    /// <summary>Forgets the rule it stood for.</summary>
    public void Clear()
    {
        _rule = null!;
        _featureKey = "";
    }

    public override bool TryGetValue(Member member, out JsValue value)
    {
        switch (member)
        {
            case Member.Key:
                value = _rule.IsTruthy(Member.Key) ? _rule[Member.Key] : JsValue.String(_featureKey);
                return true;
            case Member.Variations:
                return _rule.TryGetValue(_variations, out value);
            default:
                value = default;
                return Copies(member) && _rule.TryGetValue(member, out value);
        }
    }

    public override JsType TypeOf(Member member) => member switch
    {
        Member.Key => _rule.IsTruthy(Member.Key) ? _rule.TypeOf(Member.Key) : JsType.String,
        Member.Variations => _rule.TypeOf(_variations),
        _ => Copies(member) ? _rule.TypeOf(member) : JsType.Null,
    };

    public override bool Contains(Member member) => member switch
    {
        Member.Key => true,
        Member.Variations => _rule.Contains(_variations),
        _ => Copies(member),
    };

    public override ReadOnlyMemory<byte> Json(Member member) => member switch
    {
        Member.Key => default,
        Member.Variations => _rule.Json(_variations),
        _ => Copies(member) ? _rule.Json(member) : default,
    };

    public override Conditions.SharedCondition? CompiledCondition(Member member)
        => Copies(member) ? _rule.CompiledCondition(member) : null;

    /// <summary>The experiment as a built object, its members in <see cref="ExperimentDefinition.RuleMembers"/> order.</summary>
    public JsObject ToJsObject()
    {
        var entries = new List<KeyValuePair<string, JsValue>>();
        foreach (var member in ExperimentDefinition.RuleMembers)
        {
            if (TryGetValue(member, out var value))
            {
                entries.Add(new(MemberNames.Of(member), value));
            }
        }

        return new JsObject([.. entries]);
    }

    // evalFeature copies these from the rule: some when present, others only when truthy.
    private bool Copies(Member member) => member switch
    {
        Member.Coverage or Member.BucketVersion or Member.MinBucketVersion => _rule.Contains(member),
        Member.Weights or Member.HashAttribute or Member.FallbackAttribute or Member.DisableStickyBucketing or Member.Namespace
            or Member.Meta or Member.Ranges or Member.Name or Member.Phase or Member.Seed or Member.HashVersion or Member.Filters
            or Member.Condition => _rule.IsTruthy(member),
        _ => false,
    };
}
