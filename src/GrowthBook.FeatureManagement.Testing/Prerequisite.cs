using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>One entry of GrowthBook's <c>parentConditions</c>: a feature and a condition on <c>{"value": its value}</c>.</summary>
internal sealed record Prerequisite(string ParentKey, byte[] Condition)
{
    /// <summary>The parent's value equals <paramref name="value"/>: <c>{"value": value}</c>.</summary>
    public static Prerequisite Equal(string parentKey, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentKey);
        var json = PayloadJson.Value(value, nameof(value));
        return new(parentKey, PayloadJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteRaw("value", json);
            writer.WriteEndObject();
        }));
    }

    /// <summary>The parent's <c>{"value": …}</c> matches a condition given as JSON text.</summary>
    public static Prerequisite From(string parentKey, string condition)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentKey);
        return new(parentKey, PayloadJson.Condition(condition, nameof(condition)));
    }

    /// <summary>Writes <c>"parentConditions": [{"id", "condition", "gate"?}, …]</c>.</summary>
    public static void Write(Utf8JsonWriter writer, IEnumerable<Prerequisite> prerequisites, bool gate)
    {
        writer.WriteStartArray("parentConditions");
        foreach (var prerequisite in prerequisites)
        {
            writer.WriteStartObject();
            writer.WriteString("id", prerequisite.ParentKey);
            writer.WriteRaw("condition", prerequisite.Condition);
            if (gate)
            {
                writer.WriteBoolean("gate", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
