using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The URL Standard's percent-encode sets.</summary>
internal enum EncodeSet
{
    C0Control,
    Fragment,
    Query,
    SpecialQuery,
    Path,
    Userinfo,
}

/// <summary>Percent-encoding and -decoding as the URL Standard does them (UTF-8, uppercase hex).</summary>
internal static class PercentEncoding
{
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public static bool InSet(int c, EncodeSet set)
    {
        if (c < 0x20 || c > 0x7E)
        {
            return true;
        }

        return set switch
        {
            EncodeSet.C0Control => false,
            EncodeSet.Fragment => c is ' ' or '"' or '<' or '>' or '`',
            EncodeSet.Query => c is ' ' or '"' or '#' or '<' or '>',
            EncodeSet.SpecialQuery => c is ' ' or '"' or '#' or '<' or '>' or '\'',
            EncodeSet.Path => c is ' ' or '"' or '#' or '<' or '>' or '?' or '`' or '{' or '}',
            _ => c is ' ' or '"' or '#' or '<' or '>' or '?' or '`' or '{' or '}'
                or '/' or ':' or ';' or '=' or '@' or '[' or '\\' or ']' or '^' or '|',
        };
    }

    /// <summary>Appends a code point, percent-encoded (as UTF-8) when it is in the set.</summary>
    public static void AppendEncoded(StringBuilder sb, int c, EncodeSet set)
    {
        if (!InSet(c, set))
        {
            sb.Append((char)c);
            return;
        }

        Span<byte> bytes = stackalloc byte[4];
        var count = new Rune(c).EncodeToUtf8(bytes);
        for (var i = 0; i < count; i++)
        {
            AppendPercentByte(sb, bytes[i]);
        }
    }

    public static void AppendPercentByte(StringBuilder sb, byte b)
    {
        const string hex = "0123456789ABCDEF";
        sb.Append('%').Append(hex[b >> 4]).Append(hex[b & 0xF]);
    }

    public static void AppendCodePoint(StringBuilder sb, int c)
    {
        if (c < 0x10000)
        {
            sb.Append((char)c);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(c));
        }
    }

    /// <summary>Percent-decodes the UTF-8 bytes of a string, then decodes them as UTF-8 (U+FFFD for bad sequences).</summary>
    public static string DecodeUtf8(string input)
    {
        if (!input.Contains('%', StringComparison.Ordinal))
        {
            return input;
        }

        var raw = Utf8.GetBytes(input);
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && HexValue((char)raw[i + 1]) >= 0 && HexValue((char)raw[i + 2]) >= 0)
            {
                bytes.Add((byte)((HexValue((char)raw[i + 1]) * 16) + HexValue((char)raw[i + 2])));
                i += 2;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return Utf8.GetString([.. bytes]);
    }
}
