using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// One targeted rule of a feature, started by <see cref="FeatureBuilder.When"/> or
/// <see cref="FeatureBuilder.WhenCondition"/>: add conditions (all must match) and rule-level prerequisites, then finish
/// it with what the matching users get — <see cref="Serve"/>, <see cref="Rollout"/> or an experiment. Users it does not
/// match go on to the next rule.
/// </summary>
public sealed class RuleBuilder
{
    private readonly FeatureBuilder _feature;
    private readonly List<byte[]> _conditions = [];
    private readonly List<Prerequisite> _prerequisites = [];
    private bool _finished;

    internal RuleBuilder(FeatureBuilder feature) => _feature = feature;

    /// <summary>Also requires attribute <paramref name="attribute"/> to equal the value (one value) or be one of the values (several: <c>$in</c>).</summary>
    /// <param name="attribute">The attribute (a dotted path reads nested attributes).</param>
    /// <param name="values">One value or several.</param>
    /// <exception cref="ArgumentException">No value was given.</exception>
    public RuleBuilder And(string attribute, params JsonNode?[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("Give the value the attribute must have, or several values it may have.", nameof(values));
        }

        var snapshots = values.Select(v => PayloadJson.Value(v, nameof(values))).ToList();
        _conditions.Add(PayloadJson.Write(writer =>
        {
            writer.WriteStartObject();
            if (snapshots.Count == 1)
            {
                writer.WriteRaw(attribute, snapshots[0]);
            }
            else
            {
                writer.WriteStartObject(attribute);
                writer.WriteStartArray("$in");
                foreach (var value in snapshots)
                {
                    writer.WriteRawValue(value, skipInputValidation: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }));
        return this;
    }

    /// <summary>Also requires a GrowthBook condition, given as JSON text.</summary>
    /// <param name="condition">The condition, a JSON object such as <c>{"age": {"$gte": 18}}</c>.</param>
    /// <exception cref="ArgumentException">The text is not a JSON object.</exception>
    public RuleBuilder AndCondition(string condition)
    {
        _conditions.Add(PayloadJson.Condition(condition, nameof(condition)));
        return this;
    }

    /// <summary>A rule-level prerequisite: the rule applies only when <paramref name="parentKey"/> is <c>true</c> for the user (otherwise the next rule is tried).</summary>
    /// <param name="parentKey">The feature the rule requires.</param>
    public RuleBuilder Requires(string parentKey) => Requires(parentKey, true);

    /// <summary>A rule-level prerequisite: the rule applies only when <paramref name="parentKey"/>'s value is <paramref name="value"/> for the user.</summary>
    /// <param name="parentKey">The feature the rule requires.</param>
    /// <param name="value">The value the parent must have.</param>
    public RuleBuilder Requires(string parentKey, JsonNode? value)
    {
        _prerequisites.Add(Prerequisite.Equal(parentKey, value));
        return this;
    }

    /// <summary>A rule-level prerequisite given as a GrowthBook condition on the parent's <c>value</c>, for example <c>{"value": {"$gt": 2}}</c>.</summary>
    /// <param name="parentKey">The feature the rule requires.</param>
    /// <param name="condition">The condition, as JSON text.</param>
    public RuleBuilder RequiresCondition(string parentKey, string condition)
    {
        _prerequisites.Add(Prerequisite.From(parentKey, condition));
        return this;
    }

    /// <summary>Finishes the rule as a force rule: the matching users get <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="ruleId">The rule's id (<see cref="FeatureResult.RuleId"/>; the variant name through Microsoft.FeatureManagement). None when null.</param>
    public FeatureBuilder Serve(JsonNode? value, string? ruleId = null)
    {
        var json = PayloadJson.Value(value, nameof(value));
        return Finish(ruleId, writer => writer.WriteRaw("force", json));
    }

    /// <summary>
    /// Finishes the rule as a percentage rollout: of the matching users, the share <paramref name="coverage"/> (by a
    /// hash of <paramref name="hashAttribute"/> and the feature key) get <paramref name="value"/>; the others go on to
    /// the next rule. Users without the hash attribute are not in the rollout.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="coverage">The share of users, from 0 to 1.</param>
    /// <param name="hashAttribute">The attribute users are hashed by; GrowthBook's default (<c>id</c>) when null.</param>
    /// <param name="ruleId">The rule's id; none when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coverage"/> is not between 0 and 1.</exception>
    public FeatureBuilder Rollout(JsonNode? value, double coverage, string? hashAttribute = null, string? ruleId = null)
    {
        Check.Share(coverage, nameof(coverage));
        var json = PayloadJson.Value(value, nameof(value));
        return Finish(ruleId, writer =>
        {
            writer.WriteRaw("force", json);
            writer.WriteNumber("coverage", coverage);
            if (hashAttribute is not null)
            {
                writer.WriteString("hashAttribute", hashAttribute);
            }
        });
    }

    /// <summary>Finishes the rule as an experiment with these variations, weighted equally.</summary>
    /// <param name="key">The experiment's tracking key.</param>
    /// <param name="variations">Two or more values.</param>
    public FeatureBuilder Experiment(string key, params JsonNode?[] variations)
    {
        ArgumentNullException.ThrowIfNull(variations);
        return Experiment(key, e => e.Variations(variations));
    }

    /// <summary>Finishes the rule as an experiment described by <paramref name="build"/>: the matching users are split among its variations.</summary>
    /// <param name="key">The experiment's tracking key.</param>
    /// <param name="build">Describes the variations, weights, coverage and hashing.</param>
    public FeatureBuilder Experiment(string key, Action<ExperimentBuilder> build)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(build);
        var experiment = new ExperimentBuilder();
        build(experiment);
        var write = experiment.Build(key);
        return Finish(experiment.RuleIdValue, write);
    }

    // Writes the rule as GrowthBook does: id, condition, parentConditions, then what it does.
    private FeatureBuilder Finish(string? ruleId, Action<Utf8JsonWriter> body)
    {
        if (_finished)
        {
            throw new InvalidOperationException("This rule is already finished: start another with When, WhenCondition, Serve, Rollout or Experiment.");
        }

        _finished = true;
        var conditions = _conditions.ToList();
        var prerequisites = _prerequisites.ToList();
        return _feature.AddRule(PayloadJson.Write(writer =>
        {
            writer.WriteStartObject();
            if (ruleId is not null)
            {
                writer.WriteString("id", ruleId);
            }

            WriteCondition(writer, conditions);
            if (prerequisites.Count > 0)
            {
                Prerequisite.Write(writer, prerequisites, gate: false);
            }

            body(writer);
            writer.WriteEndObject();
        }));
    }

    // One condition as it is; several as {"$and": [...]}, which keeps each intact even when they name the same attribute.
    private static void WriteCondition(Utf8JsonWriter writer, List<byte[]> conditions)
    {
        switch (conditions.Count)
        {
            case 0:
                return;
            case 1:
                writer.WriteRaw("condition", conditions[0]);
                return;
            default:
                writer.WriteStartObject("condition");
                writer.WriteStartArray("$and");
                foreach (var condition in conditions)
                {
                    writer.WriteRawValue(condition, skipInputValidation: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                return;
        }
    }
}
