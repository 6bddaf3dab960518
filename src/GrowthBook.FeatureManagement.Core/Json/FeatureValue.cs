using System.Text.Json;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// A value a feature can take. The engine reads it as <see cref="Js"/> (JavaScript semantics); callers that ask for
/// JSON get <see cref="Element"/>, written from <see cref="Js"/> on first read: most values are never read as JSON,
/// so a payload does not keep a JSON copy of each one.
/// </summary>
internal sealed class FeatureValue
{
    public static readonly FeatureValue Null = new(JsValue.Null);

    // The JSON form, published whole: a reader sees null or a fully built box, never half a JsonElement (a struct of
    // two fields, which a plain field write could tear on a weakly-ordered CPU). Volatile orders the box's
    // construction before its publication and the reader's load before its use.
    private ElementBox? _element;

    public FeatureValue(JsValue js) => Js = js;

    public static FeatureValue FromJs(JsValue value) => value.IsNull ? Null : new(value);

    public JsValue Js { get; }

    /// <summary>The value as JSON; a JSON null for null.</summary>
    public JsonElement Element
    {
        get
        {
            var box = Volatile.Read(ref _element);
            if (box is null)
            {
                // Two threads may both build it (a benign race: equal results); one box wins and is kept.
                Interlocked.CompareExchange(ref _element, new ElementBox(JsJson.ToElement(Js)), null);
                box = Volatile.Read(ref _element)!;
            }

            return box.Value;
        }
    }

    private sealed class ElementBox(JsonElement value)
    {
        public readonly JsonElement Value = value;
    }
}
