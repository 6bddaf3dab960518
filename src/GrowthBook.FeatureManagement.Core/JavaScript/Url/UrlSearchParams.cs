using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary><c>URLSearchParams</c>: the application/x-www-form-urlencoded parser and serializer of the URL Standard.</summary>
internal static class UrlSearchParams
{
    /// <summary>Parses a URL's query (null for none) into its name/value pairs, in order.</summary>
    public static List<KeyValuePair<string, string>> Parse(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }

        return result;
    }

    /// <summary><c>searchParams.get(name)</c>: the first value, or null.</summary>
    public static string? Get(List<KeyValuePair<string, string>> pairs, string name)
    {
        foreach (var (key, value) in pairs)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The urlencoded serializer: <c>name=value</c> pairs joined by <c>&amp;</c>.</summary>
    public static string Serialize(List<KeyValuePair<string, string>> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            Encode(sb, key);
            sb.Append('=');
            Encode(sb, value);
        }

        return sb.ToString();
    }

    // '+' is a space, then percent-decoding to bytes, then UTF-8 decoding with U+FFFD for bad sequences.
    private static string Decode(string s)
    {
        if (s.AsSpan().IndexOfAny('+', '%') < 0)
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < s.Length && PercentEncoding.HexValue(s[i + 1]) >= 0 && PercentEncoding.HexValue(s[i + 2]) >= 0)
            {
                bytes.Add((byte)((PercentEncoding.HexValue(s[i + 1]) * 16) + PercentEncoding.HexValue(s[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // A query produced by the URL parser is ASCII; stay correct for any other text anyway.
                var end = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? i + 2 : i + 1;
                bytes.AddRange(PercentEncoding.Utf8.GetBytes(s[i..end]));
                i = end - 1;
            }
        }

        return PercentEncoding.Utf8.GetString([.. bytes]);
    }

    // The application/x-www-form-urlencoded percent-encode set, with space as '+'.
    private static void Encode(StringBuilder sb, string s)
    {
        foreach (var b in PercentEncoding.Utf8.GetBytes(s))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                sb.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                sb.Append('+');
            }
            else
            {
                PercentEncoding.AppendPercentByte(sb, b);
            }
        }
    }
}
