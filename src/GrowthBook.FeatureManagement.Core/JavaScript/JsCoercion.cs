using System.Diagnostics.CodeAnalysis;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.JavaScript;

/// <summary>
/// Where JavaScript's <c>String(value)</c> throws instead of answering (docs/engine.md, "Coercion"). A JSON object
/// inherits <c>toString</c> and <c>valueOf</c> from <c>Object.prototype</c>; an own key <c>toString</c> shadows the
/// inherited function with a value that is not callable, and then <c>ToPrimitive</c> finds nothing that gives a
/// primitive (the inherited <c>valueOf</c> returns the object itself): a TypeError. An own <c>valueOf</c> alone does
/// not matter to <c>String()</c>, which tries <c>toString</c> first. An array's <c>join</c> converts every element, so
/// it throws when any element does.
/// </summary>
internal static class JsCoercion
{
    /// <summary><c>String(value)</c>, or false where JavaScript throws a TypeError.</summary>
    public static bool TryToString(in JsValue value, [NotNullWhen(true)] out string? text)
    {
        if (ToPrimitiveThrows(value))
        {
            text = null;
            return false;
        }

        text = value.ToJsString();
        return true;
    }

    private static bool ToPrimitiveThrows(in JsValue value)
    {
        switch (value.Type)
        {
            case JsType.Object:
                return value.ObjectValue.ContainsKey("toString");
            case JsType.Array:
                foreach (var item in value.ArrayValue)
                {
                    if (ToPrimitiveThrows(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
