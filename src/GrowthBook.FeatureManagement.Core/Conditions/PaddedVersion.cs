using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Conditions;

/// <summary>
/// <c>paddedVersionString</c> (docs/engine.md, "Conditions"): versions made comparable as ordinal strings, so
/// "1.10.0" &gt; "1.9.0" and "1.0.0" &gt; "1.0.0-beta".
/// </summary>
internal static class PaddedVersion
{
    public static string Of(in JsValue input)
    {
        string text;
        if (input.Type == JsType.Number)
        {
            text = JsNumber.ToJsString(input.NumberValue);
        }
        else if (input.Type == JsType.String && input.StringValue.Length > 0)
        {
            text = input.StringValue;
        }
        else
        {
            text = "0";
        }

        // A number that stringifies to "" cannot happen; "0" stays "0" as in JS (only falsy *strings* become "0").
        return Of(text);
    }

    public static string Of(string input)
    {
        if (input.Length == 0)
        {
            input = "0";
        }

        var text = StripPrefixAndBuild(input);
        var parts = text.Split('-', '.');
        var count = parts.Length == 3 ? 4 : parts.Length;
        var padded = new string[count];
        for (var i = 0; i < parts.Length; i++)
        {
            padded[i] = IsDigits(parts[i]) ? parts[i].PadLeft(5, ' ') : parts[i];
        }

        if (parts.Length == 3)
        {
            padded[3] = "~";
        }

        return string.Join("-", padded);
    }

    // JS: input.replace(/(^v|\+.*$)/g, ""). `.` stops at line terminators and `$` is the end of input,
    // so "+…" is cut only when no line terminator follows it.
    private static string StripPrefixAndBuild(string input)
    {
        var start = input[0] == 'v' ? 1 : 0;
        var end = input.Length;
        for (var i = start; i < input.Length; i++)
        {
            if (input[i] == '+' && !HasLineTerminator(input, i + 1))
            {
                end = i;
                break;
            }
        }

        return input[start..end];
    }

    private static bool HasLineTerminator(string s, int from)
    {
        for (var i = from; i < s.Length; i++)
        {
            if (s[i] is '\n' or '\r' or '\u2028' or '\u2029')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDigits(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
