using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>Deep JSON equality as the reference harness's Jest <c>toEqual</c> sees it: key order ignored, numbers by value.</summary>
public static class JsonAssert
{
    public static void AreEqual(JsonElement expected, JsonElement actual, string context)
    {
        var difference = FindDifference(expected, actual, "$");
        if (difference is not null)
        {
            Assert.Fail($"{context}: {difference}\nexpected: {expected.GetRawText()}\nactual:   {actual.GetRawText()}");
        }
    }

    public static string? FindDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind} {Short(expected)}, got {actual.ValueKind} {Short(actual)}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var missing in expectedNames.Except(actualNames))
                {
                    return $"{path}.{missing}: missing";
                }

                foreach (var extra in actualNames.Except(expectedNames))
                {
                    return $"{path}.{extra}: unexpected (should be absent)";
                }

                foreach (var name in expectedNames)
                {
                    if (FindDifference(expected.GetProperty(name), actual.GetProperty(name), $"{path}.{name}") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} items, got {actual.GetArrayLength()}";
                }

                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    if (FindDifference(expected[i], actual[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValueKind.Number:
                return expected.GetDouble() == actual.GetDouble() ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            default:
                return null;
        }
    }

    private static string Short(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
