using System.Text.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A user's sticky-bucket assignments for one attribute value, in GrowthBook's document format:
/// <c>{"attributeName": "id", "attributeValue": "123", "assignments": {"exp-key__0": "1"}}</c>.
/// Assignment keys are <c>experimentKey__bucketVersion</c>; values are variation keys.
/// </summary>
/// <param name="AttributeName">The attribute (for example <c>id</c> or <c>deviceId</c>).</param>
/// <param name="AttributeValue">The attribute's value as a string.</param>
/// <param name="Assignments">Experiment key with bucket version → variation key.</param>
public sealed record StickyAssignmentsDocument(string AttributeName, string AttributeValue, IReadOnlyDictionary<string, string> Assignments)
{
    /// <summary>The document's key, <c>attributeName||attributeValue</c>.</summary>
    public string Key => GetKey(AttributeName, AttributeValue);

    /// <summary>The key of the document for an attribute value: <c>attributeName||attributeValue</c>.</summary>
    public static string GetKey(string attributeName, string attributeValue) => attributeName + "||" + attributeValue;

    /// <summary>Whether this is the document of that attribute value (a stored document is outside data: check before trusting it).</summary>
    public bool IsFor(string attributeName, string attributeValue)
        => string.Equals(AttributeName, attributeName, StringComparison.Ordinal) && string.Equals(AttributeValue, attributeValue, StringComparison.Ordinal);

    /// <summary>The document as GrowthBook's JSON (UTF-8): <c>{"attributeName":…,"attributeValue":…,"assignments":{…}}</c>.</summary>
    public byte[] ToUtf8Json()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes the document as GrowthBook's JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("attributeName", AttributeName);
        writer.WriteString("attributeValue", AttributeValue);
        writer.WriteStartObject("assignments");
        foreach (var (key, value) in Assignments)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads a document from GrowthBook's JSON (UTF-8). Returns null for anything else — invalid JSON, a missing or
    /// non-string field, a non-string assignment — because stored documents are outside data: unreadable means absent.
    /// </summary>
    public static StickyAssignmentsDocument? FromUtf8Json(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a document from a JSON element; null when it is not a GrowthBook sticky-bucket document.</summary>
    public static StickyAssignmentsDocument? FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object
            || !json.TryGetProperty("attributeName", out var name) || name.ValueKind != JsonValueKind.String
            || !json.TryGetProperty("attributeValue", out var value) || value.ValueKind != JsonValueKind.String
            || !json.TryGetProperty("assignments", out var assignments) || assignments.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments.EnumerateObject())
        {
            if (assignment.Value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            map[assignment.Name] = assignment.Value.GetString()!;
        }

        return new StickyAssignmentsDocument(name.GetString()!, value.GetString()!, map);
    }
}
