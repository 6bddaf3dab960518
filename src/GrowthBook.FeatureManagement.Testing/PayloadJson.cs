using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// The JSON pieces of a payload, as UTF-8 bytes taken when a builder is given them: a value the test changes afterwards
/// (a <see cref="JsonObject"/> it keeps adding to) does not change the payload until it is given again. Written with
/// <see cref="Utf8JsonWriter"/>, never by reflection.
/// </summary>
internal static class PayloadJson
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>A value: <see langword="null"/> is JSON null.</summary>
    /// <exception cref="ArgumentException">The value cannot be written as JSON (a NaN or infinite number, for example).</exception>
    public static byte[] Value(JsonNode? value, string parameterName)
    {
        try
        {
            return Write(writer =>
            {
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ArgumentException($"The value cannot be written as JSON: {e.Message}", parameterName, e);
        }
    }

    /// <summary>A condition in GrowthBook's condition language, given as JSON text: it must be a JSON object.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON object.</exception>
    public static byte[] Condition(string condition, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(condition, parameterName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(condition);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The condition is not valid JSON: {e.Message}", parameterName, e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"A condition is a JSON object (such as {{\"country\": \"US\"}}), not {document.RootElement.ValueKind}.", parameterName);
            }

            return Write(document.RootElement.WriteTo);
        }
    }

    /// <summary>Writes with a compact <see cref="Utf8JsonWriter"/> and returns the bytes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a piece taken earlier, as it is.</summary>
    public static void WriteRaw(this Utf8JsonWriter writer, string propertyName, byte[] json)
    {
        writer.WritePropertyName(propertyName);
        writer.WriteRawValue(json, skipInputValidation: true);
    }
}
