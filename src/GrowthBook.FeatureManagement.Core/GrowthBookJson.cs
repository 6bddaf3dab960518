using System.Text.Json;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Reads feature values the way the engine reads them, for packages that turn values into another form (the
/// Microsoft.FeatureManagement adapter's configuration sections): strings and property names as JavaScript's
/// <c>JSON.parse</c> reads them, and the depth past which the engine cuts a value.
/// </summary>
public static class GrowthBookJson
{
    /// <summary>How deep a value nests before the engine cuts it: an object or array at this depth is read as null.</summary>
    public const int MaxValueDepth = JsJson.MaxValueDepth;

    /// <summary>A JSON string's value. Escaped lone surrogates (<c>"\ud800"</c>) are kept, as <c>JSON.parse</c> keeps them, where <see cref="JsonElement.GetString"/> throws.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="element"/> is not a string.</exception>
    public static string ReadString(JsonElement element)
        => element.ValueKind == JsonValueKind.String ? JsJson.ReadString(element) : throw new InvalidOperationException("The element is not a JSON string.");

    /// <summary>A property's name. Escaped lone surrogates are kept, as <c>JSON.parse</c> keeps them, where <see cref="JsonProperty.Name"/> throws.</summary>
    public static string ReadPropertyName(JsonProperty property) => JsJson.ReadName(property);
}
