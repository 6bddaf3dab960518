using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Reads JSON tokens from UTF-8 for the payload compiler: the part of <see cref="Utf8JsonReader"/> the compiler uses,
/// giving the same tokens, positions and values, and accepting the same texts (with <see cref="JsonValueReader.Options"/>).
/// It goes over whitespace and over strings with no escapes with vectorised searches, where the framework's reader
/// goes a byte at a time; a payload written with indentation is mostly whitespace.
/// </summary>
/// <remarks>
/// A string with an escape or a control character is read by a <see cref="Utf8JsonReader"/>, which checks it. Text
/// that is not JSON is read again by a <see cref="Utf8JsonReader"/> over the same bytes, so the exception thrown is
/// the one the framework's reader throws there (message, line and position).
/// </remarks>
internal ref struct PayloadReader
{
    // The framework's reader refuses a container deeper than this.
    private static readonly int MaxDepth = JsonValueReader.Options.MaxDepth;

    // JSON whitespace; what ends a number; what ends a string's plain run (a quote, an escape, a control character).
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\n\r"u8);
    private static readonly SearchValues<byte> NumberEnds = SearchValues.Create(" \t\n\r,]}"u8);
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    // 10^0 to 10^15, each exact as a double.
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private readonly ReadOnlySpan<byte> _json;
    private int _position;
    private int _tokenStart;
    private int _valueStart;
    private int _valueLength;
    private int _depth;
    private ulong _objects; // bit i: the container at depth i + 1 is an object (the first 64 levels)
    private bool[]? _deepObjects; // the same for deeper levels, when there are any
    private JsonTokenType _tokenType;
    private bool _escaped;
    private bool _ascii; // the string is known to be ASCII (so valid UTF-8)

    /// <summary>A reader at the start of <paramref name="json"/>, which holds one JSON value (and possibly more text after it).</summary>
    public PayloadReader(ReadOnlySpan<byte> json) => _json = json;

    public readonly JsonTokenType TokenType => _tokenType;

    /// <summary>The token's text: a string's or a property name's between the quotes (as written), a number's, a literal's.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);

    /// <summary>Whether the string or property name has escapes.</summary>
    public readonly bool ValueIsEscaped => _escaped;

    /// <summary>Where the token starts (a string's opening quote).</summary>
    public readonly int TokenStartIndex => _tokenStart;

    /// <summary>Where reading stopped: after the token (after the colon, for a property name).</summary>
    public readonly int BytesConsumed => _position;

    /// <summary>The token's depth, as <see cref="Utf8JsonReader.CurrentDepth"/> counts it.</summary>
    public readonly int CurrentDepth => _tokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? _depth - 1 : _depth;

    /// <summary>Moves to the next token; false when the value has ended and only whitespace follows.</summary>
    /// <exception cref="JsonException">The text is not JSON there.</exception>
    public bool Read()
    {
        var at = SkipWhitespace(_position);
        switch (_tokenType)
        {
            case JsonTokenType.None:
            case JsonTokenType.PropertyName:
                ReadValue(at);
                return true;
            case JsonTokenType.StartObject:
                if (At(at) == '}')
                {
                    EndContainer(at, JsonTokenType.EndObject);
                }
                else
                {
                    ReadPropertyName(at);
                }

                return true;
            case JsonTokenType.StartArray:
                if (At(at) == ']')
                {
                    EndContainer(at, JsonTokenType.EndArray);
                }
                else
                {
                    ReadValue(at);
                }

                return true;
        }

        // A value has ended.
        if (_depth == 0)
        {
            if (at < _json.Length)
            {
                ThrowAsFramework();
            }

            _position = at;
            return false;
        }

        var inObject = InObject;
        switch (At(at))
        {
            case ',':
                at = SkipWhitespace(at + 1);
                if (inObject)
                {
                    ReadPropertyName(at);
                }
                else
                {
                    ReadValue(at);
                }

                return true;
            case '}' when inObject:
                EndContainer(at, JsonTokenType.EndObject);
                return true;
            case ']' when !inObject:
                EndContainer(at, JsonTokenType.EndArray);
                return true;
            default:
                ThrowAsFramework();
                return false;
        }
    }

    /// <summary>
    /// Steps over the current value: from a property name, its value; from the start of an object or array, to its
    /// end. Other tokens stay where they are.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON there.</exception>
    public void Skip()
    {
        if (_tokenType == JsonTokenType.PropertyName)
        {
            Read();
        }

        if (_tokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = _depth - 1;
            while (_depth > depth)
            {
                Read();
            }
        }
    }

    /// <summary>
    /// The number's value, as <see cref="Utf8JsonReader.TryGetDouble"/> gives it: the closest double, ±Infinity beyond
    /// double's range. Always true: the token is a JSON number.
    /// </summary>
    public readonly bool TryGetDouble(out double value)
    {
        // Most of a payload's numbers are small integers (versions, ages) or short decimals (weights, coverage). With at
        // most 15 digits and no exponent, the digits are exact as a long, and so is the power of ten their point divides
        // by: one IEEE division of exact operands rounds to the closest double, which is what the text means.
        var text = ValueSpan;
        var negative = text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.Length <= 16)
        {
            long integer = 0;
            var fraction = -1; // digits after the point; -1: no point
            foreach (var c in digits)
            {
                if ((uint)(c - '0') <= 9)
                {
                    integer = (integer * 10) + (c - '0');
                    fraction += fraction >= 0 ? 1 : 0;
                }
                else if (c == '.')
                {
                    fraction = 0;
                }
                else
                {
                    fraction = int.MinValue; // an exponent
                    break;
                }
            }

            if (fraction != int.MinValue && digits.Length - (fraction >= 0 ? 1 : 0) <= 15)
            {
                var magnitude = fraction > 0 ? integer / PowersOfTen[fraction] : integer;
                value = negative ? -magnitude : magnitude; // "-0" is -0, as JSON.parse reads it
                return true;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The string's or property name's value, as <see cref="Utf8JsonReader.GetString"/> gives it.</summary>
    /// <exception cref="InvalidOperationException">It is not valid UTF-8, or escapes a lone surrogate.</exception>
    public readonly string GetString()
        => !_escaped && (_ascii || Utf8.IsValid(ValueSpan)) ? DecodeValueSpan() : FrameworkString();

    /// <summary>
    /// The string's or property name's text as written (escapes not undone), decoded as <see cref="Encoding.UTF8"/>
    /// decodes it (an invalid sequence as U+FFFD).
    /// </summary>
    public readonly string DecodeValueSpan() => _ascii ? Encoding.Latin1.GetString(ValueSpan) : Decode(ValueSpan);

    /// <summary>
    /// <paramref name="utf8"/> decoded as <see cref="Encoding.UTF8"/> decodes it (an invalid sequence as U+FFFD). Nearly
    /// every string of a payload is ASCII, which Latin-1 decodes to the same characters in one pass, where UTF-8's decoder
    /// counts the characters first (about twice the time for a short string).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> utf8) => Ascii.IsValid(utf8) ? Encoding.Latin1.GetString(utf8) : Encoding.UTF8.GetString(utf8);

    /// <summary>Unescapes the string or property name into <paramref name="destination"/>, as <see cref="Utf8JsonReader.CopyString(Span{char})"/>.</summary>
    /// <exception cref="InvalidOperationException">It is not valid UTF-8, or escapes a lone surrogate.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public readonly int CopyString(Span<char> destination) => Framework().CopyString(destination);

    // Not inlined, as ReadCheckedString.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly string FrameworkString() => Framework().GetString()!;

    private readonly bool InObject => _depth <= 64 ? ((_objects >> (_depth - 1)) & 1) != 0 : _deepObjects![_depth - 65];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int At(int at) => at < _json.Length ? _json[at] : -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int SkipWhitespace(int at) => SkipWhitespace(_json, at);

    /// <summary>Where the JSON whitespace at <paramref name="at"/> in <paramref name="json"/> ends (<paramref name="at"/> when there is none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        // Minified text has none, and a single space (after a colon) is common: searched only past a second byte.
        if (at < json.Length && json[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at++;
            if (at < json.Length && json[at] <= ' ')
            {
                at = EndOfWhitespace(json, at);
            }
        }

        return at;
    }

    // Where the whitespace starting at `at` ends. Indentation is mostly shorter than 16 bytes, and rarely longer than
    // 32: one vector compare each, at most two more for deep lines, before a search.
    private static int EndOfWhitespace(ReadOnlySpan<byte> json, int at)
    {
        for (var vectors = 0; vectors < 3 && Vector128.IsHardwareAccelerated && at + Vector128<byte>.Count <= json.Length; vectors++)
        {
            var bytes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(json), (nuint)at);
            var whitespace = Vector128.Equals(bytes, Vector128.Create((byte)' ')) | Vector128.Equals(bytes, Vector128.Create((byte)'\n'))
                | Vector128.Equals(bytes, Vector128.Create((byte)'\r')) | Vector128.Equals(bytes, Vector128.Create((byte)'\t'));
            var other = ~whitespace.ExtractMostSignificantBits() & 0xFFFF;
            if (other != 0)
            {
                return at + BitOperations.TrailingZeroCount(other);
            }

            at += Vector128<byte>.Count;
        }

        var rest = json[at..].IndexOfAnyExcept(Whitespace);
        return rest < 0 ? json.Length : at + rest;
    }

    // The length of the run of string bytes from `at` that need no checking: up to a quote, a backslash or a control
    // character (-1: none before the end). Most names and values are shorter than 16 bytes: one vector compare each.
    private int PlainLength(int at)
    {
        var length = 0;
        if (Vector128.IsHardwareAccelerated && at + Vector128<byte>.Count <= _json.Length)
        {
            var bytes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_json), (nuint)at);
            var stops = Vector128.Equals(bytes, Vector128.Create((byte)'"')) | Vector128.Equals(bytes, Vector128.Create((byte)'\\'))
                | Vector128.LessThan(bytes, Vector128.Create((byte)0x20));
            var found = stops.ExtractMostSignificantBits();
            if (found != 0)
            {
                length = BitOperations.TrailingZeroCount(found);
                _ascii = (bytes.ExtractMostSignificantBits() & ((1u << length) - 1)) == 0; // no byte of 0x80 or more
                return length;
            }

            length = Vector128<byte>.Count;
        }

        _ascii = false; // not known: checked when decoded
        var rest = _json[(at + length)..].IndexOfAny(StringStops);
        return rest < 0 ? -1 : length + rest;
    }

    private void ReadValue(int at)
    {
        _tokenStart = at;
        switch (At(at))
        {
            case '{':
                Push(isObject: true);
                Token(JsonTokenType.StartObject, at, 1);
                break;
            case '[':
                Push(isObject: false);
                Token(JsonTokenType.StartArray, at, 1);
                break;
            case '"':
                ReadString(at);
                _tokenType = JsonTokenType.String;
                break;
            case 't':
                Literal(at, "true"u8, JsonTokenType.True);
                break;
            case 'f':
                Literal(at, "false"u8, JsonTokenType.False);
                break;
            case 'n':
                Literal(at, "null"u8, JsonTokenType.Null);
                break;
            case '-' or (>= '0' and <= '9'):
                ReadNumber(at);
                break;
            default:
                ThrowAsFramework();
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReadPropertyName(int at)
    {
        if (At(at) != '"')
        {
            ThrowAsFramework();
        }

        _tokenStart = at;
        ReadString(at);
        var colon = SkipWhitespace(_position);
        if (At(colon) != ':')
        {
            ThrowAsFramework();
        }

        _position = colon + 1;
        _tokenType = JsonTokenType.PropertyName;
    }

    // The string whose opening quote is at `at`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReadString(int at)
    {
        var start = at + 1;
        var length = PlainLength(start);
        if (length >= 0 && _json[start + length] == '"')
        {
            _valueStart = start;
            _valueLength = length;
            _escaped = false;
            _position = start + length + 1;
            return;
        }

        ReadCheckedString(at);
    }

    // A string with an escape, a control character or no closing quote: the framework's reader checks it. Not inlined:
    // its reader would make every string's call zero a frame of a few hundred bytes.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReadCheckedString(int at)
    {
        var start = at + 1;
        var reader = new Utf8JsonReader(_json[at..], isFinalBlock: true, new JsonReaderState(JsonValueReader.Options));
        try
        {
            reader.Read();
        }
        catch (JsonException)
        {
            ThrowAsFramework();
        }

        _valueStart = start;
        _valueLength = reader.ValueSpan.Length;
        _escaped = reader.ValueIsEscaped;
        _ascii = false;
        _position = at + (int)reader.BytesConsumed;
    }

    private void ReadNumber(int at)
    {
        var end = at + (_json[at] == '-' ? 1 : 0);
        if (At(end) == '0')
        {
            end++;
        }
        else
        {
            end = Digits(end);
        }

        if (At(end) == '.')
        {
            end = Digits(end + 1);
        }

        if (At(end) is 'e' or 'E')
        {
            end++;
            if (At(end) is '+' or '-')
            {
                end++;
            }

            end = Digits(end);
        }

        // Anything but a delimiter after it (a letter, a second leading zero's digit) is not JSON.
        if (end < _json.Length && !NumberEnds.Contains(_json[end]))
        {
            ThrowAsFramework();
        }

        Token(JsonTokenType.Number, at, end - at);
    }

    // The end of the run of digits starting at `at`, which must have at least one.
    private readonly int Digits(int at)
    {
        if (At(at) is not (>= '0' and <= '9'))
        {
            ThrowAsFramework();
        }

        var length = _json[at..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return length < 0 ? _json.Length : at + length;
    }

    private void Literal(int at, ReadOnlySpan<byte> literal, JsonTokenType type)
    {
        if (!_json[at..].StartsWith(literal))
        {
            ThrowAsFramework();
        }

        Token(type, at, literal.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Token(JsonTokenType type, int at, int length)
    {
        _tokenType = type;
        _tokenStart = at;
        _valueStart = at;
        _valueLength = length;
        _escaped = false;
        _position = at + length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EndContainer(int at, JsonTokenType type)
    {
        _depth--;
        Token(type, at, 1);
    }

    private void Push(bool isObject)
    {
        if (_depth >= MaxDepth)
        {
            ThrowAsFramework();
        }

        if (_depth < 64)
        {
            _objects = isObject ? _objects | (1UL << _depth) : _objects & ~(1UL << _depth);
        }
        else
        {
            if (_deepObjects is null || _deepObjects.Length <= _depth - 64)
            {
                Array.Resize(ref _deepObjects, Math.Max(64, (_deepObjects?.Length ?? 0) * 2));
            }

            _deepObjects[_depth - 64] = isObject;
        }

        _depth++;
    }

    // The framework's reader on the current string or property name.
    private readonly Utf8JsonReader Framework()
    {
        var reader = new Utf8JsonReader(_json[_tokenStart..], isFinalBlock: true, new JsonReaderState(JsonValueReader.Options));
        reader.Read();
        return reader;
    }

    /// <summary>
    /// Throws what the framework's reader throws reading the same value: it reads the text from the start, as far as
    /// one whole value goes, and stops at the same place this reader did.
    /// </summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowAsFramework()
    {
        var reader = new Utf8JsonReader(_json, isFinalBlock: true, new JsonReaderState(JsonValueReader.Options));
        if (reader.Read())
        {
            reader.Skip();
            reader.Read(); // anything after the value
        }

        // Not reached while both readers accept the same texts (tested on a corpus of broken and deep texts).
        throw new JsonException($"The payload is not valid JSON (at byte {_position}).");
    }
}
