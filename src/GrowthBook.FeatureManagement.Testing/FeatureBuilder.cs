using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// Describes one GrowthBook feature for <see cref="GrowthBookTestData.Feature"/>: its default value, its prerequisites,
/// and its rules in order — force rules (<see cref="Serve"/>), percentage rollouts (<see cref="Rollout"/>) and
/// experiments (<see cref="Experiment(string, Action{ExperimentBuilder})"/>), each for everyone or for the users a
/// <see cref="When"/> condition matches. Evaluation takes the first rule that applies, as GrowthBook does; without one,
/// the default value.
/// </summary>
/// <remarks>
/// Values are <see cref="JsonNode"/>s, so <c>true</c>, <c>"blue"</c>, <c>3</c>, <c>new JsonObject { … }</c> and
/// <c>JsonNode.Parse("…")</c> all fit; each is copied when it is given.
/// </remarks>
public sealed class FeatureBuilder
{
    private readonly List<byte[]> _rules = [];
    private readonly List<Prerequisite> _prerequisites = [];
    private byte[] _defaultValue = "null"u8.ToArray();
    private int _unfinishedRules;

    internal FeatureBuilder(string key) => Key = key;

    /// <summary>The feature's key.</summary>
    public string Key { get; }

    /// <summary>The value when no rule applies (GrowthBook's <c>defaultValue</c>). Null until set.</summary>
    /// <param name="value">The value.</param>
    public FeatureBuilder DefaultValue(JsonNode? value)
    {
        _defaultValue = PayloadJson.Value(value, nameof(value));
        return this;
    }

    /// <summary>
    /// A prerequisite: this feature is evaluated only when <paramref name="parentKey"/> is <c>true</c> for the user;
    /// otherwise it is null with source <see cref="FeatureSource.Prerequisite"/>, whatever its rules say.
    /// </summary>
    /// <param name="parentKey">The feature this one requires.</param>
    public FeatureBuilder Requires(string parentKey) => Requires(parentKey, true);

    /// <summary>A prerequisite: this feature is evaluated only when <paramref name="parentKey"/>'s value is <paramref name="value"/> for the user.</summary>
    /// <param name="parentKey">The feature this one requires.</param>
    /// <param name="value">The value the parent must have (an object whose keys all start with <c>$</c> is read as operators, as in any GrowthBook condition).</param>
    public FeatureBuilder Requires(string parentKey, JsonNode? value)
    {
        _prerequisites.Add(Prerequisite.Equal(parentKey, value));
        return this;
    }

    /// <summary>
    /// A prerequisite given as a GrowthBook condition on the parent's <c>value</c>, for example
    /// <c>{"value": {"$gt": 2}}</c>; this feature is evaluated only when it matches.
    /// </summary>
    /// <param name="parentKey">The feature this one requires.</param>
    /// <param name="condition">The condition, as JSON text, on an object with one property, <c>value</c>.</param>
    public FeatureBuilder RequiresCondition(string parentKey, string condition)
    {
        _prerequisites.Add(Prerequisite.From(parentKey, condition));
        return this;
    }

    /// <summary>
    /// Starts a rule for the users whose attribute <paramref name="attribute"/> equals the value (one value), or is one
    /// of the values (several: GrowthBook's <c>$in</c>). Finish it with <see cref="RuleBuilder.Serve"/>,
    /// <see cref="RuleBuilder.Rollout"/> or <see cref="RuleBuilder.Experiment(string, Action{ExperimentBuilder})"/>.
    /// </summary>
    /// <remarks>
    /// An array attribute (such as <c>groups</c>) matches several values when it holds any of them (GrowthBook's
    /// <c>$in</c> on an array); with one value it must equal it as a whole. For "holds this one value", give the
    /// condition <c>{"groups": {"$elemMatch": {"$eq": "beta"}}}</c> to <see cref="WhenCondition"/>.
    /// </remarks>
    /// <param name="attribute">The attribute, such as <c>country</c> (a dotted path reads nested attributes).</param>
    /// <param name="values">One value or several.</param>
    public RuleBuilder When(string attribute, params JsonNode?[] values) => StartRule().And(attribute, values);

    /// <summary>Starts a rule for the users a GrowthBook condition matches, given as JSON text (any operator: <c>$gt</c>, <c>$regex</c>, <c>$or</c>, …).</summary>
    /// <param name="condition">The condition, a JSON object such as <c>{"age": {"$gte": 18}}</c>.</param>
    public RuleBuilder WhenCondition(string condition) => StartRule().AndCondition(condition);

    /// <summary>A force rule for everyone: every user gets <paramref name="value"/> (rules after it are never reached).</summary>
    /// <param name="value">The value.</param>
    /// <param name="ruleId">The rule's id (<see cref="FeatureResult.RuleId"/>; the variant name through Microsoft.FeatureManagement). None when null.</param>
    public FeatureBuilder Serve(JsonNode? value, string? ruleId = null) => StartRule().Serve(value, ruleId);

    /// <summary>A percentage rollout for everyone: the share <paramref name="coverage"/> of users, by a hash of their <paramref name="hashAttribute"/>, get <paramref name="value"/>.</summary>
    /// <param name="value">The value the users in the rollout get.</param>
    /// <param name="coverage">The share of users, from 0 to 1.</param>
    /// <param name="hashAttribute">The attribute users are hashed by; GrowthBook's default (<c>id</c>) when null.</param>
    /// <param name="ruleId">The rule's id; none when null.</param>
    public FeatureBuilder Rollout(JsonNode? value, double coverage, string? hashAttribute = null, string? ruleId = null)
        => StartRule().Rollout(value, coverage, hashAttribute, ruleId);

    /// <summary>An experiment for everyone with these variations, weighted equally.</summary>
    /// <param name="key">The experiment's tracking key.</param>
    /// <param name="variations">Two or more values.</param>
    public FeatureBuilder Experiment(string key, params JsonNode?[] variations) => StartRule().Experiment(key, variations);

    /// <summary>An experiment for everyone, described by <paramref name="build"/> (variations, weights, coverage, hash attribute…).</summary>
    /// <param name="key">The experiment's tracking key.</param>
    /// <param name="build">Describes the experiment.</param>
    public FeatureBuilder Experiment(string key, Action<ExperimentBuilder> build) => StartRule().Experiment(key, build);

    private RuleBuilder StartRule()
    {
        _unfinishedRules++;
        return new RuleBuilder(this);
    }

    internal FeatureBuilder AddRule(byte[] rule)
    {
        _unfinishedRules--;
        _rules.Add(rule);
        return this;
    }

    /// <summary>The feature's JSON: <c>defaultValue</c> and <c>rules</c>, the prerequisites first as one gating rule (as GrowthBook writes them).</summary>
    internal byte[] Build()
    {
        if (_unfinishedRules > 0)
        {
            throw new InvalidOperationException($"Feature '{Key}': a rule started with When or WhenCondition was not finished with Serve, Rollout or Experiment.");
        }

        return PayloadJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteRaw("defaultValue", _defaultValue);
            if (_prerequisites.Count > 0 || _rules.Count > 0)
            {
                writer.WriteStartArray("rules");
                if (_prerequisites.Count > 0)
                {
                    writer.WriteStartObject();
                    Prerequisite.Write(writer, _prerequisites, gate: true);
                    writer.WriteEndObject();
                }

                foreach (var rule in _rules)
                {
                    writer.WriteRawValue(rule, skipInputValidation: true);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        });
    }
}
