using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>IPv6 hosts as the URL Standard parses and serializes them (compression, embedded IPv4).</summary>
internal static class Ipv6
{
    private const int Eof = -1;

    /// <summary>The IPv6 parser (the text between the brackets); null for failure.</summary>
    public static ushort[]? Parse(string input)
    {
        var address = new ushort[8];
        var pieceIndex = 0;
        int? compress = null;
        var pointer = 0;
        int C(int p) => p < input.Length ? input[p] : Eof;

        if (C(pointer) == ':')
        {
            if (C(pointer + 1) != ':')
            {
                return null;
            }

            pointer += 2;
            pieceIndex++;
            compress = pieceIndex;
        }

        while (C(pointer) != Eof)
        {
            if (pieceIndex == 8)
            {
                return null;
            }

            if (C(pointer) == ':')
            {
                if (compress is not null)
                {
                    return null;
                }

                pointer++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }

            var value = 0;
            var length = 0;
            while (length < 4 && C(pointer) != Eof && PercentEncoding.HexValue((char)C(pointer)) >= 0)
            {
                value = (value * 0x10) + PercentEncoding.HexValue((char)C(pointer));
                pointer++;
                length++;
            }

            if (C(pointer) == '.')
            {
                if (length == 0)
                {
                    return null;
                }

                pointer -= length;
                if (pieceIndex > 6)
                {
                    return null;
                }

                var numbersSeen = 0;
                while (C(pointer) != Eof)
                {
                    int? ipv4Piece = null;
                    if (numbersSeen > 0)
                    {
                        if (C(pointer) == '.' && numbersSeen < 4)
                        {
                            pointer++;
                        }
                        else
                        {
                            return null;
                        }
                    }

                    if (!char.IsAsciiDigit((char)C(pointer)))
                    {
                        return null;
                    }

                    while (char.IsAsciiDigit((char)C(pointer)))
                    {
                        var number = C(pointer) - '0';
                        if (ipv4Piece is null)
                        {
                            ipv4Piece = number;
                        }
                        else if (ipv4Piece == 0)
                        {
                            return null;
                        }
                        else
                        {
                            ipv4Piece = (ipv4Piece * 10) + number;
                        }

                        if (ipv4Piece > 255)
                        {
                            return null;
                        }

                        pointer++;
                    }

                    address[pieceIndex] = (ushort)((address[pieceIndex] * 0x100) + ipv4Piece!.Value);
                    numbersSeen++;
                    if (numbersSeen is 2 or 4)
                    {
                        pieceIndex++;
                    }
                }

                if (numbersSeen != 4)
                {
                    return null;
                }

                break;
            }
            else if (C(pointer) == ':')
            {
                pointer++;
                if (C(pointer) == Eof)
                {
                    return null;
                }
            }
            else if (C(pointer) != Eof)
            {
                return null;
            }

            address[pieceIndex] = (ushort)value;
            pieceIndex++;
        }

        if (compress is not null)
        {
            var swaps = pieceIndex - compress.Value;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0)
            {
                (address[pieceIndex], address[compress.Value + swaps - 1]) = (address[compress.Value + swaps - 1], address[pieceIndex]);
                pieceIndex--;
                swaps--;
            }
        }
        else if (pieceIndex != 8)
        {
            return null;
        }

        return address;
    }

    /// <summary>The IPv6 serializer: lowercase hex pieces, the first longest run of two or more zero pieces as "::".</summary>
    public static string Serialize(ushort[] address)
    {
        // Compress the first longest run of two or more zero pieces.
        int? compress = null;
        var bestLength = 1;
        for (var i = 0; i < 8;)
        {
            if (address[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && address[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestLength = i - start;
                compress = start;
            }
        }

        var sb = new StringBuilder();
        var ignore0 = false;
        for (var i = 0; i < 8; i++)
        {
            if (ignore0 && address[i] == 0)
            {
                continue;
            }

            ignore0 = false;
            if (compress == i)
            {
                sb.Append(i == 0 ? "::" : ":");
                ignore0 = true;
                continue;
            }

            sb.Append(address[i].ToString("x", CultureInfo.InvariantCulture));
            if (i != 7)
            {
                sb.Append(':');
            }
        }

        return sb.ToString();
    }
}
