using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>Conversions between <see cref="JsValue"/> and System.Text.Json, and <c>JSON.stringify</c>.</summary>
internal static class JsJson
{
    /// <summary>
    /// Values nested deeper than this are cut (replaced by null) when converted. Conditions have their own,
    /// lower limit (<see cref="Conditions.ConditionCompiler.MaxDepth"/>), so a cut value never changes an answer
    /// silently: a condition that deep already evaluates to false.
    /// </summary>
    public const int MaxValueDepth = 256;

    /// <summary>Reader options for remote JSON: deep documents are read (and cut later), comments refused.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 100_000,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    public static JsValue FromElement(JsonElement element) => FromElement(element, 0);

    private static JsValue FromElement(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return JsValue.True;
            case JsonValueKind.False:
                return JsValue.False;
            case JsonValueKind.Number:
                return JsValue.Number(ReadNumber(element));
            case JsonValueKind.String:
                return JsValue.String(ReadString(element));
            case JsonValueKind.Array:
            {
                if (depth >= MaxValueDepth)
                {
                    return JsValue.Null;
                }

                var items = new JsValue[element.GetArrayLength()];
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[i++] = FromElement(item, depth + 1);
                }

                return JsValue.Array(items);
            }

            case JsonValueKind.Object:
            {
                if (depth >= MaxValueDepth)
                {
                    return JsValue.Null;
                }

                var entries = new List<KeyValuePair<string, JsValue>>();
                foreach (var property in element.EnumerateObject())
                {
                    entries.Add(new(ReadName(property), FromElement(property.Value, depth + 1)));
                }

                return JsValue.Object(JsObject.FromEntries(entries));
            }

            default:
                return JsValue.Null;
        }
    }

    public static JsObject ObjectFromElement(JsonElement element)
        => element.ValueKind == JsonValueKind.Object ? FromElement(element).ObjectValue : JsObject.Empty;

    private static double ReadNumber(JsonElement element)
    {
        if (element.TryGetDouble(out var value))
        {
            return value;
        }

        // Beyond double's range: JSON.parse gives ±Infinity (or ±0 for tiny numbers), and so does double.Parse.
        return double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON string's value; escaped lone surrogates are kept, as <c>JSON.parse</c> keeps them (GetString throws on them).</summary>
    public static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses escaped lone surrogates ("\ud800"); JSON.parse keeps them.
            return UnescapeLenient(element.GetRawText());
        }
    }

    /// <summary>A property's name; escaped lone surrogates are kept, as <c>JSON.parse</c> keeps them (Name throws on them).</summary>
    public static string ReadName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            var raw = property.ToString();
            var colon = raw.IndexOf("\":", StringComparison.Ordinal);
            return UnescapeLenient(raw[..(colon + 1)]);
        }
    }

    // Unescapes a raw JSON string literal (quotes included) the way JSON.parse does, keeping lone surrogates.
    internal static string UnescapeLenient(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = raw[++i];
            switch (e)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Converts a .NET value (primitives, strings, JSON types, dictionaries, sequences, or anything System.Text.Json
    /// serializes by reflection, where the app allows reflection: docs/native-aot.md).
    /// </summary>
    /// <exception cref="ArgumentException">The value needs reflection, which this app has turned off (trimmed or Native AOT).</exception>
    public static JsValue FromObject(object? value) => FromObject(value, 0);

    private static JsValue FromObject(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return JsValue.Null;
            case JsValue js:
                return js;
            case bool b:
                return JsValue.Bool(b);
            case string s:
                return JsValue.String(s);
            case char c:
                return JsValue.String(c.ToString());
            case double d:
                return JsValue.Number(d);
            case float f:
                return JsValue.Number(double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            case int or long or short or byte or sbyte or uint or ulong or ushort:
                return JsValue.Number(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case decimal m:
                return JsValue.Number((double)m);
            case JsonElement element:
                return FromElement(element);
            case JsonDocument document:
                return FromElement(document.RootElement);
            case JsonNode node:
                return FromElement(JsonSerializer.SerializeToElement(node, GrowthBookJsonContext.Default.JsonNode));
            case Guid g:
                return JsValue.String(g.ToString());
            case DateTimeOffset dto:
                return JsValue.String(dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsValue.String(dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            case Enum:
                return JsValue.String(value.ToString()!);
        }

        if (depth >= MaxValueDepth)
        {
            return JsValue.Null;
        }

        if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            var entries = new List<KeyValuePair<string, JsValue>>();
            foreach (var pair in pairs)
            {
                entries.Add(new(pair.Key, FromObject(pair.Value, depth + 1)));
            }

            return JsValue.Object(JsObject.FromEntries(entries));
        }

        if (value is IDictionary dictionary)
        {
            var entries = new List<KeyValuePair<string, JsValue>>();
            foreach (DictionaryEntry pair in dictionary)
            {
                entries.Add(new(Convert.ToString(pair.Key, CultureInfo.InvariantCulture) ?? "", FromObject(pair.Value, depth + 1)));
            }

            return JsValue.Object(JsObject.FromEntries(entries));
        }

        if (value is IEnumerable sequence)
        {
            var items = new List<JsValue>();
            foreach (var item in sequence)
            {
                items.Add(FromObject(item, depth + 1));
            }

            return JsValue.Array([.. items]);
        }

        return FromElement(SerializeByReflection(value));
    }

    // Objects of the caller's own types (records, anonymous types) need System.Text.Json's reflection. Trimmed and Native
    // AOT apps have it off (the SDK's ILLink targets set JsonSerializerIsReflectionEnabledByDefault=false under
    // PublishTrimmed, which PublishAot implies): there the value is refused with what to pass instead.
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "Reached only when reflection-based serialization is enabled, which trimmed and AOT apps turn off.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Reached only when reflection-based serialization is enabled, which Native AOT apps turn off.")]
    private static JsonElement SerializeByReflection(object value)
    {
        if (!JsonSerializer.IsReflectionEnabledByDefault)
        {
            throw new ArgumentException(
                $"A value of type {value.GetType()} cannot be turned into JSON here: this app has reflection-based System.Text.Json turned off "
                + "(trimmed or Native AOT). Pass a JsonElement (JsonSerializer.SerializeToElement(value, YourJsonContext.Default.YourType)), "
                + "a dictionary, a sequence or primitive values instead (docs/native-aot.md).");
        }

        return JsonSerializer.SerializeToElement(value, value.GetType());
    }

    /// <summary>An immutable <see cref="JsonElement"/> holding the same JSON (its text is <see cref="Stringify(in JsValue)"/>'s).</summary>
    public static JsonElement ToElement(in JsValue value)
    {
        if (value.IsNull)
        {
            return NullElement;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(Stringify(value)), new JsonReaderOptions { MaxDepth = 2 * MaxValueDepth });
        return JsonElement.ParseValue(ref reader); // a document of its own, exactly sized, that needs no disposal
    }

    /// <summary><c>JSON.stringify</c>: the same text JavaScript produces, key order kept.</summary>
    public static string Stringify(in JsValue value)
    {
        var sb = new StringBuilder();
        Stringify(sb, value);
        return sb.ToString();
    }

    private static void Stringify(StringBuilder sb, in JsValue value)
    {
        switch (value.Type)
        {
            case JsType.Null:
                sb.Append("null");
                break;
            case JsType.Boolean:
                sb.Append(value.BooleanValue ? "true" : "false");
                break;
            case JsType.Number:
                sb.Append(double.IsFinite(value.NumberValue) ? JsNumber.ToJsString(value.NumberValue) : "null");
                break;
            case JsType.String:
                QuoteInto(sb, value.StringValue);
                break;
            case JsType.Array:
                sb.Append('[');
                var items = value.ArrayValue;
                for (var i = 0; i < items.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Stringify(sb, items[i]);
                }

                sb.Append(']');
                break;
            default:
                sb.Append('{');
                var first = true;
                foreach (var entry in value.ObjectValue.Entries)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    QuoteInto(sb, entry.Key);
                    sb.Append(':');
                    Stringify(sb, entry.Value);
                }

                sb.Append('}');
                break;
        }
    }

    // JSON.stringify's QuoteJSONString (ES2019 well-formed): lone surrogates are escaped as \udxxx.
    private static void QuoteInto(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        AppendUnicodeEscape(sb, c);
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[++i]);
                        }
                        else
                        {
                            AppendUnicodeEscape(sb, c);
                        }
                    }
                    else if (char.IsLowSurrogate(c))
                    {
                        AppendUnicodeEscape(sb, c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char c)
        => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
