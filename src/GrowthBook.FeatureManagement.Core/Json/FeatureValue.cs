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

    public static readonly FeatureValue True = new(JsValue.True);

    public static readonly FeatureValue False = new(JsValue.False);

    // The JSON form, published whole: a reader sees null or a fully built box, never half a JsonElement (a struct of
    // two fields, which a plain field write could tear on a weakly-ordered CPU). Volatile orders the box's
    // construction before its publication and the reader's load before its use.
    private ElementBox? _element;

    public FeatureValue(JsValue js) => Js = js;

    public static FeatureValue FromJs(JsValue value) => value.IsNull ? Null : new(value);

    /// <summary>The value <paramref name="deferred"/> stands for: itself when it is one already, else a new one around the object or array.</summary>
    public static FeatureValue From(DeferredValue deferred) => deferred.Value switch
    {
        FeatureValue value => value,
        JsObject obj => new FeatureValue(JsValue.Object(obj)),
        var array => new FeatureValue(JsValue.Array((JsValue[])array)),
    };

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

/// <summary>
/// A value as a compiled feature keeps it until a result first returns it: a shared <see cref="FeatureValue"/> for a
/// primitive (and null), or the bare <see cref="JsObject"/> or <see cref="JsValue"/> array of an object or array value,
/// without the <see cref="FeatureValue"/> (and its JSON cache) that only a returned result needs.
/// </summary>
internal readonly struct DeferredValue
{
    private DeferredValue(object value) => Value = value;

    /// <summary>A <see cref="FeatureValue"/>, a <see cref="JsObject"/> or a <see cref="JsValue"/> array.</summary>
    public object Value { get; }

    public static DeferredValue Of(FeatureValue value) => new(value);

    /// <summary>The deferred value whose <see cref="Value"/> was stored as an object.</summary>
    public static DeferredValue Stored(object value) => new(value);

    /// <summary>An object or array value (anything else is wrapped in a new <see cref="FeatureValue"/>).</summary>
    public static DeferredValue Of(in JsValue value) => value.Type switch
    {
        JsType.Object => new(value.ObjectValue),
        JsType.Array => new(value.ArrayValue),
        _ => new(new FeatureValue(value)),
    };
}
