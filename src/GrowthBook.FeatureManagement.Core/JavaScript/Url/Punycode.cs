using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>RFC 3492 Punycode, for one label of a host.</summary>
internal static class Punycode
{
    private const int Base = 36, TMin = 1, TMax = 26, Skew = 38, Damp = 700, InitialBias = 72, InitialN = 0x80;

    /// <summary>Decodes the part after "xn--"; null when it is not valid Punycode.</summary>
    public static List<int>? Decode(string input)
    {
        var delimiter = input.LastIndexOf('-');
        var output = new List<int>();
        for (var j = 0; j < Math.Max(delimiter, 0); j++)
        {
            if (input[j] >= 0x80)
            {
                return null;
            }

            output.Add(input[j]);
        }

        long n = InitialN;
        long i = 0;
        long bias = InitialBias;
        var pos = delimiter > 0 ? delimiter + 1 : 0;
        while (pos < input.Length)
        {
            var oldi = i;
            long w = 1;
            for (long k = Base; ; k += Base)
            {
                if (pos >= input.Length)
                {
                    return null;
                }

                long digit = input[pos++] switch
                {
                    >= 'a' and <= 'z' and var ch => ch - 'a',
                    >= 'A' and <= 'Z' and var ch => ch - 'A',
                    >= '0' and <= '9' and var ch => ch - '0' + 26,
                    _ => -1,
                };
                if (digit < 0)
                {
                    return null;
                }

                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (i > int.MaxValue)
                {
                    return null;
                }

                if (digit < t)
                {
                    break;
                }

                w *= Base - t;
                if (w > int.MaxValue)
                {
                    return null;
                }
            }

            bias = Adapt(i - oldi, output.Count + 1, oldi == 0);
            n += i / (output.Count + 1);
            i %= output.Count + 1;
            if (n > 0x10FFFF)
            {
                return null;
            }

            output.Insert((int)i, (int)n);
            i++;
        }

        return output;
    }

    /// <summary>Encodes a label's code points (the caller adds "xn--").</summary>
    public static string Encode(IReadOnlyList<int> input)
    {
        var output = new StringBuilder();
        foreach (var c in input)
        {
            if (c < 0x80)
            {
                output.Append((char)c);
            }
        }

        var basic = output.Length;
        var handled = basic;
        if (basic > 0)
        {
            output.Append('-');
        }

        long n = InitialN;
        long delta = 0;
        long bias = InitialBias;
        while (handled < input.Count)
        {
            long m = int.MaxValue;
            foreach (var c in input)
            {
                if (c >= n && c < m)
                {
                    m = c;
                }
            }

            delta += (m - n) * (handled + 1);
            n = m;
            foreach (var c in input)
            {
                if (c < n)
                {
                    delta++;
                }

                if (c != n)
                {
                    continue;
                }

                var q = delta;
                for (long k = Base; ; k += Base)
                {
                    var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                    if (q < t)
                    {
                        break;
                    }

                    output.Append(Digit(t + ((q - t) % (Base - t))));
                    q = (q - t) / (Base - t);
                }

                output.Append(Digit(q));
                bias = Adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled++;
            }

            delta++;
            n++;
        }

        return output.ToString();
    }

    private static char Digit(long d) => (char)(d < 26 ? 'a' + d : '0' + d - 26);

    private static long Adapt(long delta, int numPoints, bool first)
    {
        delta = first ? delta / Damp : delta / 2;
        delta += delta / numPoints;
        long k = 0;
        while (delta > (Base - TMin) * TMax / 2)
        {
            delta /= Base - TMin;
            k += Base;
        }

        return k + ((Base - TMin + 1) * delta / (delta + Skew));
    }
}
