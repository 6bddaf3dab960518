using System.Text.Json;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// A user's attributes (id, country, plan, …), converted once into the engine's form so that every
/// evaluation reads them without parsing. Immutable; <see cref="With"/> returns a copy.
/// </summary>
public sealed class GrowthBookAttributes
{
    private GrowthBookAttributes(JsObject values)
    {
        Values = values;
        Root = JsValue.Object(values);
    }

    /// <summary>No attributes.</summary>
    public static GrowthBookAttributes Empty { get; } = new(JsObject.Empty);

    internal JsObject Values { get; }

    internal JsValue Root { get; }

    /// <summary>The number of attributes.</summary>
    public int Count => Values.Count;

    /// <summary>The attribute names, in order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            for (var i = 0; i < Values.Count; i++)
            {
                yield return Values.Entries[i].Key;
            }
        }
    }

    /// <summary>Attributes from a JSON object.</summary>
    /// <exception cref="ArgumentException">The element is not a JSON object.</exception>
    public static GrowthBookAttributes FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Attributes must be a JSON object.", nameof(json));
        }

        return new GrowthBookAttributes(JsJson.ObjectFromElement(json));
    }

    /// <summary>Attributes from JSON text holding an object.</summary>
    /// <exception cref="ArgumentException">The JSON is not an object.</exception>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static GrowthBookAttributes Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json, JsJson.DocumentOptions);
        return FromJson(document.RootElement);
    }

    /// <summary>
    /// Attributes from name/value pairs. Values may be null, booleans, strings, numbers, <see cref="JsonElement"/>,
    /// dictionaries, sequences, or any object System.Text.Json can serialize.
    /// </summary>
    public static GrowthBookAttributes From(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var value = JsJson.FromObject(attributes);
        return new GrowthBookAttributes(value.ObjectValue);
    }

    /// <summary>A copy with one attribute set (replaced, or added at the end).</summary>
    public GrowthBookAttributes With(string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new GrowthBookAttributes(Values.With(name, JsJson.FromObject(value)));
    }

    internal GrowthBookAttributes WithValue(string name, JsValue value) => new(Values.With(name, value));

    /// <summary>Gets an attribute's value as JSON.</summary>
    public bool TryGetValue(string name, out JsonElement value)
    {
        if (Values.TryGetValue(name, out var js))
        {
            value = JsJson.ToElement(js);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The attributes as a JSON object.</summary>
    public JsonElement ToJson() => JsJson.ToElement(Root);

    /// <inheritdoc />
    public override string ToString() => Root.ToJson();
}
