using System.Buffers;
using System.Text.Json;

namespace GrowthBook.FeatureManagement.Tracking;

/// <summary>
/// The ingestor's wire format, as GrowthBook's JS SDK sends it (<c>growthbookTrackingPlugin</c>): a JSON array with one
/// object per event — <c>event_name</c>, <c>properties_json</c>, <c>sdk_language</c>, <c>sdk_version</c>, <c>url</c>,
/// <c>context_json</c> (the attributes not lifted to the top level), <c>user_id</c>, <c>device_id</c>,
/// <c>session_id</c>, and <c>page_title</c> when there is one. docs/tracking.md shows an example.
/// </summary>
internal static class IngestorPayload
{
    public const string SdkLanguage = "dotnet";

    public static readonly string SdkVersion = typeof(IngestorPayload).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    // Attributes the JS SDK lifts out of context_json.
    private static readonly HashSet<string> TopLevel = new(StringComparer.Ordinal) { "user_id", "device_id", "anonymous_id", "id", "session_id", "pageTitle" };

    public static byte[] Serialize(IReadOnlyList<GrowthBookTelemetryEvent> events, ISet<string> excluded)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in events)
            {
                WriteEvent(writer, item, excluded);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEvent(Utf8JsonWriter writer, GrowthBookTelemetryEvent item, ISet<string> excluded)
    {
        writer.WriteStartObject();
        switch (item)
        {
            case ExperimentViewedEvent viewed:
                writer.WriteString("event_name", "Experiment Viewed");
                writer.WriteStartObject("properties_json");
                writer.WriteString("experimentId", viewed.Experiment.Key);
                writer.WriteString("variationId", viewed.Result.Key);
                writer.WriteString("hashAttribute", viewed.Result.HashAttribute);
                writer.WritePropertyName("hashValue");
                viewed.Result.HashValue.WriteTo(writer);
                writer.WriteEndObject();
                break;
            case FeatureEvaluatedEvent evaluated:
                var result = evaluated.Result;
                writer.WriteString("event_name", "Feature Evaluated");
                writer.WriteStartObject("properties_json");
                writer.WriteString("feature", evaluated.FeatureKey);
                writer.WriteString("source", Telemetry.FeatureFlagReasons.GrowthBookName(result.Source));
                writer.WritePropertyName("value");
                result.Value.WriteTo(writer);
                writer.WriteString("ruleId", result.Source == FeatureSource.DefaultValue ? "$default" : result.RuleId);
                writer.WriteString("variationId", result.ExperimentResult?.Key ?? "");
                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("event_name", item.GetType().Name);
                writer.WriteStartObject("properties_json");
                writer.WriteEndObject();
                break;
        }

        writer.WriteString("sdk_language", SdkLanguage);
        writer.WriteString("sdk_version", SdkVersion);
        writer.WriteString("url", item.User.Url ?? "");
        var attributes = item.User.Attributes;
        writer.WriteStartObject("context_json");
        foreach (var name in attributes.Names)
        {
            if (!TopLevel.Contains(name) && !excluded.Contains(name) && attributes.TryGetValue(name, out var value))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        WriteTopLevel(writer, "user_id", StringAttribute(attributes, excluded, "user_id"));
        WriteTopLevel(writer, "device_id", StringAttribute(attributes, excluded, "device_id") ?? StringAttribute(attributes, excluded, "anonymous_id") ?? StringAttribute(attributes, excluded, "id"));
        WriteTopLevel(writer, "session_id", StringAttribute(attributes, excluded, "session_id"));
        if (StringAttribute(attributes, excluded, "pageTitle") is { } title)
        {
            writer.WriteString("page_title", title);
        }

        writer.WriteEndObject();
    }

    private static void WriteTopLevel(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    // The JS SDK keeps only string values (and a falsy device_id falls through to the next candidate).
    private static string? StringAttribute(GrowthBookAttributes attributes, ISet<string> excluded, string name)
        => !excluded.Contains(name) && attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
