using System.Globalization;

namespace GrowthBook.FeatureManagement.JavaScript;

/// <summary>
/// JavaScript number ↔ string conversions, culture-independent and bit-exact with ECMAScript:
/// <c>Number::toString</c> (radix 10), <c>ToNumber</c> applied to a string (<c>Number(s)</c>) and
/// <c>parseInt(s)</c> without a radix.
/// </summary>
internal static class JsNumber
{
    /// <summary>2^53: below it every integral double formats exactly as its <see cref="long"/> value.</summary>
    private const double TwoPow53 = 9007199254740992.0;

    /// <summary>
    /// Longest possible <see cref="ToJsString"/> output: sign + "0.00000" + 17 digits = 25 characters
    /// (the exponential form needs at most sign + 17 digits + '.' + "e-324" = 24).
    /// </summary>
    public const int MaxFormattedLength = 25;

    /// <summary>Scratch space for .NET's rendering (at most 24 characters) and for the JS layout.</summary>
    private const int ScratchLength = 32;

    /// <summary>Exactly JavaScript's <c>String(value)</c> / <c>Number.prototype.toString()</c>.</summary>
    public static string ToJsString(double value)
    {
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        TryFormatJs(value, buffer, out var length);
        return new string(buffer[..length]);
    }

    /// <summary>
    /// Writes JavaScript's <c>String(value)</c> into <paramref name="destination"/> without allocating.
    /// Returns <see langword="false"/> (with <paramref name="charsWritten"/> = 0) when the span is too small;
    /// <see cref="MaxFormattedLength"/> characters always suffice.
    /// </summary>
    public static bool TryFormatJs(double value, Span<char> destination, out int charsWritten)
    {
        if (Math.Abs(value) < TwoPow53)
        {
            var integer = (long)value;
            if (integer == value)
            {
                return integer.TryFormat(destination, out charsWritten, default, CultureInfo.InvariantCulture);
            }
        }
        else if (!double.IsFinite(value))
        {
            var text = double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
            if (text.TryCopyTo(destination))
            {
                charsWritten = text.Length;
                return true;
            }

            charsWritten = 0;
            return false;
        }

        Span<char> buffer = stackalloc char[ScratchLength];
        var length = FormatFinite(value, buffer);
        if (buffer[..length].TryCopyTo(destination))
        {
            charsWritten = length;
            return true;
        }

        charsWritten = 0;
        return false;
    }

    /// <summary>
    /// ECMAScript Number::toString(x, 10) for a finite, non-zero x, written into <paramref name="buffer"/>
    /// (<see cref="ScratchLength"/> characters); returns the length. .NET's shortest round-trip formatting
    /// ("R") supplies the digits; they are laid out per the specification.
    /// </summary>
    private static int FormatFinite(double value, Span<char> buffer)
    {
        if (!value.TryFormat(buffer, out var rawLength, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("Unexpected round-trip formatting length.");
        }

        // .NET writes plain positional notation (no exponent) only for 1e-5 <= |x| < 1e15. There the shortest
        // digits are laid out exactly as JS lays them out (JS uses positional notation for 1e-7 <= |x| < 1e21).
        ReadOnlySpan<char> raw = buffer[..rawLength];
        if (raw.IndexOf('E') < 0)
        {
            return rawLength;
        }

        // Otherwise parse [-]digits[.digits]E(+|-)digits into the k significant digits s and the exponent n
        // of x = 0.s × 10^n, then lay them out (ECMAScript Number::toString steps 5-12).
        Span<char> digits = stackalloc char[ScratchLength];
        var k = 0;
        var pointPosition = -1;
        var leadingZeros = 0;
        var exponent = 0;
        var negative = raw[0] == '-';
        for (var i = negative ? 1 : 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '.')
            {
                pointPosition = k + leadingZeros;
            }
            else if (c == 'E')
            {
                var exponentNegative = raw[++i] == '-';
                if (raw[i] is '+' or '-')
                {
                    i++;
                }

                for (; i < raw.Length; i++)
                {
                    exponent = (exponent * 10) + (raw[i] - '0');
                }

                if (exponentNegative)
                {
                    exponent = -exponent;
                }
            }
            else if (c == '0' && k == 0)
            {
                leadingZeros++;
            }
            else
            {
                digits[k++] = c;
            }
        }

        if (pointPosition < 0)
        {
            pointPosition = k + leadingZeros;
        }

        while (k > 1 && digits[k - 1] == '0')
        {
            k--;
        }

        var n = pointPosition - leadingZeros + exponent;
        var s = digits[..k];

        // raw is no longer read: the layout may overwrite it.
        var destination = buffer;
        var pos = 0;
        if (negative)
        {
            destination[pos++] = '-';
        }

        if (k <= n && n <= 21)
        {
            s.CopyTo(destination[pos..]);
            pos += k;
            destination.Slice(pos, n - k).Fill('0');
            pos += n - k;
        }
        else if (0 < n && n <= 21)
        {
            s[..n].CopyTo(destination[pos..]);
            pos += n;
            destination[pos++] = '.';
            s[n..].CopyTo(destination[pos..]);
            pos += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[pos++] = '0';
            destination[pos++] = '.';
            destination.Slice(pos, -n).Fill('0');
            pos += -n;
            s.CopyTo(destination[pos..]);
            pos += k;
        }
        else
        {
            destination[pos++] = s[0];
            if (k > 1)
            {
                destination[pos++] = '.';
                s[1..].CopyTo(destination[pos..]);
                pos += k - 1;
            }

            destination[pos++] = 'e';
            var e = n - 1;
            destination[pos++] = e < 0 ? '-' : '+';
            e = Math.Abs(e);
            if (e >= 100)
            {
                destination[pos++] = (char)('0' + (e / 100));
            }

            if (e >= 10)
            {
                destination[pos++] = (char)('0' + (e / 10 % 10));
            }

            destination[pos++] = (char)('0' + (e % 10));
        }

        return pos;
    }

    /// <summary>
    /// Exactly JavaScript's <c>Number(s)</c> (ECMAScript StringToNumber): JS whitespace trimmed, empty → 0,
    /// optionally signed decimal literals and <c>Infinity</c>, unsigned <c>0x</c>/<c>0o</c>/<c>0b</c> literals;
    /// anything else is NaN.
    /// </summary>
    public static double StringToNumber(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return StringToNumber(s.AsSpan());
    }

    /// <inheritdoc cref="StringToNumber(string)"/>
    public static double StringToNumber(ReadOnlySpan<char> s)
    {
        s = TrimJsWhitespace(s);
        if (s.IsEmpty)
        {
            return 0;
        }

        if (s.Length >= 2 && s[0] == '0')
        {
            var radixBits = (s[1] | 0x20) switch
            {
                'x' => 4,
                'o' => 3,
                'b' => 1,
                _ => 0,
            };
            if (radixBits != 0)
            {
                var body = s[2..];
                return !body.IsEmpty && CountRadixDigits(body, radixBits) == body.Length
                    ? ParsePowerOfTwoRadix(body, radixBits)
                    : double.NaN;
            }
        }

        var i = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        var unsigned = s[i..];
        if (unsigned.SequenceEqual("Infinity"))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // StrUnsignedDecimalLiteral: digits [. digits] [exponent] | . digits [exponent]
        var intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        var intDigits = i - intStart;
        if (i == s.Length && intDigits is > 0 and <= 15)
        {
            // Fast path: short plain integers are exact in a long.
            long integer = 0;
            for (var j = intStart; j < i; j++)
            {
                integer = (integer * 10) + (s[j] - '0');
            }

            return negative ? -(double)integer : integer;
        }

        var fracDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            fracDigits = i - fracStart;
        }

        if (intDigits + fracDigits == 0)
        {
            return double.NaN;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var expStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == expStart)
            {
                return double.NaN;
            }
        }

        if (i != s.Length)
        {
            return double.NaN;
        }

        // The grammar is validated; .NET's parser rounds correctly (IEEE round-half-even), returns ±0 and
        // ±Infinity for under/overflow, and keeps the sign of zero.
        return double.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Exactly JavaScript's <c>parseInt(s)</c> with no radix: leading JS whitespace, optional sign, optional
    /// <c>0x</c>/<c>0X</c> (radix 16, otherwise 10), then the longest digit prefix; NaN when there is none.
    /// </summary>
    public static double ParseInt(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return ParseInt(s.AsSpan());
    }

    /// <inheritdoc cref="ParseInt(string)"/>
    public static double ParseInt(ReadOnlySpan<char> s)
    {
        s = TrimJsWhitespaceStart(s);
        var negative = false;
        if (!s.IsEmpty && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        double magnitude;
        if (s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        {
            s = s[2..];
            var count = CountRadixDigits(s, 4);
            if (count == 0)
            {
                return double.NaN;
            }

            magnitude = ParsePowerOfTwoRadix(s[..count], 4);
        }
        else
        {
            var count = 0;
            while (count < s.Length && char.IsAsciiDigit(s[count]))
            {
                count++;
            }

            if (count == 0)
            {
                return double.NaN;
            }

            if (count <= 15)
            {
                long integer = 0;
                for (var j = 0; j < count; j++)
                {
                    integer = (integer * 10) + (s[j] - '0');
                }

                magnitude = integer;
            }
            else
            {
                magnitude = double.Parse(s[..count], NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return negative ? -magnitude : magnitude;
    }

    /// <summary>Number of leading digits of <paramref name="s"/> valid in radix 2^<paramref name="bitsPerDigit"/>.</summary>
    private static int CountRadixDigits(ReadOnlySpan<char> s, int bitsPerDigit)
    {
        var count = 0;
        while (count < s.Length && DigitValue(s[count]) >> bitsPerDigit == 0)
        {
            count++;
        }

        return count;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => 99,
    };

    /// <summary>
    /// The correctly rounded (round-half-even) value of a non-empty string of digits in radix 2, 8 or 16,
    /// as ECMAScript requires for <c>0x</c>/<c>0o</c>/<c>0b</c> literals and <c>parseInt</c>.
    /// </summary>
    private static double ParsePowerOfTwoRadix(ReadOnlySpan<char> digits, int bitsPerDigit)
    {
        // Keep the first 54 significant bits (53 + the rounding bit); the rest only count and set "sticky".
        ulong mantissa = 0;
        var significantBits = 0;
        var droppedBits = 0;
        var sticky = false;
        foreach (var c in digits)
        {
            var value = DigitValue(c);
            for (var b = bitsPerDigit - 1; b >= 0; b--)
            {
                var bit = (value >> b) & 1;
                if (significantBits < 54)
                {
                    if (significantBits == 0 && bit == 0)
                    {
                        continue;
                    }

                    mantissa = (mantissa << 1) | (uint)bit;
                    significantBits++;
                }
                else
                {
                    sticky |= bit != 0;
                    droppedBits++;
                }
            }
        }

        if (significantBits < 54)
        {
            return mantissa;
        }

        var roundBit = (mantissa & 1) != 0;
        mantissa >>= 1;
        if (roundBit && (sticky || (mantissa & 1) != 0))
        {
            mantissa++;
        }

        // Math.ScaleB is exact here and overflows to +Infinity.
        return Math.ScaleB(mantissa, droppedBits + 1);
    }

    private static ReadOnlySpan<char> TrimJsWhitespace(ReadOnlySpan<char> s)
    {
        s = TrimJsWhitespaceStart(s);
        var end = s.Length;
        while (end > 0 && IsJsWhitespace(s[end - 1]))
        {
            end--;
        }

        return s[..end];
    }

    private static ReadOnlySpan<char> TrimJsWhitespaceStart(ReadOnlySpan<char> s)
    {
        var start = 0;
        while (start < s.Length && IsJsWhitespace(s[start]))
        {
            start++;
        }

        return s[start..];
    }

    /// <summary>
    /// ECMAScript WhiteSpace or LineTerminator: TAB, VT, FF, ZWNBSP, LF, CR, LS, PS and the Unicode "Zs"
    /// characters. Listed explicitly so the result does not depend on the runtime's Unicode tables
    /// (U+0085 and U+180E are not whitespace in JS; .NET's <see cref="char.IsWhiteSpace(char)"/> differs).
    /// </summary>
    private static bool IsJsWhitespace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' => true,
        < '\u00A0' => false,
        '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };
}
