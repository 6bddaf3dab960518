using System.Globalization;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>IPv4 hosts as the URL Standard parses and serializes them (decimal, octal and hex parts, 1 to 4 of them).</summary>
internal static class Ipv4
{
    /// <summary>The URL Standard's "ends in a number checker": the host is then parsed as IPv4.</summary>
    public static bool EndsInNumber(string host)
    {
        var parts = host.Split('.');
        var count = parts.Length;
        if (parts[^1].Length == 0)
        {
            if (count == 1)
            {
                return false;
            }

            count--;
        }

        var last = parts[count - 1];
        if (last.Length > 0 && last.All(ch => ch is >= '0' and <= '9'))
        {
            return true;
        }

        return ParseNumber(last) is not null;
    }

    // The IPv4 number parser: 0x… is hex, 0… is octal; values saturate well above 2^32 so a long one still fails.
    private static long? ParseNumber(string input)
    {
        if (input.Length == 0)
        {
            return null;
        }

        var radix = 10;
        if (input.Length >= 2 && input[0] == '0' && input[1] is 'x' or 'X')
        {
            input = input[2..];
            radix = 16;
        }
        else if (input.Length >= 2 && input[0] == '0')
        {
            input = input[1..];
            radix = 8;
        }

        long value = 0;
        foreach (var ch in input)
        {
            var digit = PercentEncoding.HexValue(ch);
            if (digit < 0 || digit >= radix)
            {
                return null;
            }

            value = Math.Min((value * radix) + digit, 1L << 40);
        }

        return value;
    }

    /// <summary>The IPv4 parser; null for failure.</summary>
    public static uint? Parse(string input)
    {
        var parts = input.Split('.').ToList();
        if (parts[^1].Length == 0 && parts.Count > 1)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count > 4)
        {
            return null;
        }

        var numbers = new long[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var number = ParseNumber(parts[i]);
            if (number is null || (i < parts.Count - 1 && number > 255))
            {
                return null;
            }

            numbers[i] = number.Value;
        }

        if (numbers[^1] >= 1L << (8 * (5 - numbers.Length)))
        {
            return null;
        }

        var ipv4 = numbers[^1];
        for (var i = 0; i < numbers.Length - 1; i++)
        {
            ipv4 += numbers[i] << (8 * (3 - i));
        }

        return (uint)ipv4;
    }

    /// <summary>The dotted-decimal serialization.</summary>
    public static string Serialize(uint address) => string.Join(".",
        ((address >> 24) & 0xFF).ToString(CultureInfo.InvariantCulture),
        ((address >> 16) & 0xFF).ToString(CultureInfo.InvariantCulture),
        ((address >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture),
        (address & 0xFF).ToString(CultureInfo.InvariantCulture));
}
