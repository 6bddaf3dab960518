using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>The URL Standard's host parser: IPv6 in brackets, opaque hosts of non-special URLs, domains (IDNA, IPv4).</summary>
internal static class Host
{
    /// <summary>The serialized host, or null for failure.</summary>
    public static string? Parse(string input, bool isOpaque)
    {
        if (input.StartsWith('['))
        {
            if (!input.EndsWith(']'))
            {
                return null;
            }

            var address = Ipv6.Parse(input[1..^1]);
            return address is null ? null : "[" + Ipv6.Serialize(address) + "]";
        }

        if (isOpaque)
        {
            var sb = new StringBuilder(input.Length);
            foreach (var rune in input.EnumerateRunes())
            {
                if (IsForbidden(rune.Value) && rune.Value != '%')
                {
                    return null;
                }

                PercentEncoding.AppendEncoded(sb, rune.Value, EncodeSet.C0Control);
            }

            return sb.ToString();
        }

        var ascii = Idna.ToAscii(PercentEncoding.DecodeUtf8(input));
        if (ascii is null || ascii.Length == 0)
        {
            return null;
        }

        foreach (var ch in ascii)
        {
            if (IsForbidden(ch) || ch <= 0x1F || ch is '%' or '\u007F')
            {
                return null;
            }
        }

        if (Ipv4.EndsInNumber(ascii))
        {
            return Ipv4.Parse(ascii) is { } ipv4 ? Ipv4.Serialize(ipv4) : null;
        }

        return ascii;
    }

    // Forbidden host code points.
    private static bool IsForbidden(int c)
        => c is 0 or '\t' or '\n' or '\r' or ' ' or '#' or '%' or '/' or ':' or '<' or '>' or '?' or '@' or '[' or '\\' or ']' or '^' or '|';
}
