using System.Text.Json;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// A value a feature can take, held both ways: as <see cref="JsValue"/> for the engine's JavaScript semantics
/// and as the <see cref="JsonElement"/> callers read. Built once when a payload is compiled.
/// </summary>
internal sealed class FeatureValue
{
    public static readonly FeatureValue Null = new(JsValue.Null, default);

    private JsonElement _element;
    private bool _hasElement;

    public FeatureValue(JsValue js, JsonElement element)
    {
        Js = js;
        _element = element;
        _hasElement = element.ValueKind != JsonValueKind.Undefined;
    }

    public static FeatureValue FromElement(JsonElement element) => new(JsJson.FromElement(element), element);

    public static FeatureValue FromJs(JsValue value) => value.IsNull ? Null : new(value, default);

    public JsValue Js { get; }

    /// <summary>The value as JSON; a JSON null for null.</summary>
    public JsonElement Element
    {
        get
        {
            if (!_hasElement)
            {
                // Values built from .NET objects get their JSON form on first read (a benign race: same result).
                _element = JsJson.ToElement(Js);
                _hasElement = true;
            }

            return _element;
        }
    }
}
