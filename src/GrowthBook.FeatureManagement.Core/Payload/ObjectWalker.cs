using System.Buffers;
using System.Text.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Walks the members of one JSON object in UTF-8, checking its punctuation itself and handing each member's value
/// to the caller by position. The caller reads a value (with a <see cref="PayloadReader"/> over the value alone,
/// which checks it) or, when it already knows those exact bytes, steps over them; either way it reports where the
/// value ended. So a payload's unchanged features are never tokenized again (<see cref="GrowthBookPayload"/>).
/// </summary>
internal ref struct ObjectWalker
{
    // Printable ASCII but the quote and the backslash: a string of these needs no unescaping and no UTF-8 checks.
    private static readonly SearchValues<byte> PlainNameBytes = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x60).Select(b => (byte)b).Where(b => b is not (byte)'"' and not (byte)'\\')]);

    private readonly ReadOnlySpan<byte> _json;
    private int _position;
    private bool _started;

    /// <param name="json">The text.</param>
    /// <param name="start">Where the object's <c>{</c> is.</param>
    public ObjectWalker(ReadOnlySpan<byte> json, int start)
    {
        _json = json;
        _position = start + 1;
    }

    /// <summary>Where the object's closing <c>}</c> ends, once <c>MoveNext</c> has returned false.</summary>
    public readonly int End => _position;

    /// <summary>Moves to the next member: its name, and where its value starts. False after the last one.</summary>
    /// <exception cref="JsonException">The text there is not a member of a JSON object.</exception>
    public bool MoveNext(JsonValueReader names, out string name, out int valueStart)
    {
        if (!MoveNext(out var nameStart, out valueStart))
        {
            name = "";
            return false;
        }

        var reader = new PayloadReader(_json[nameStart..]);
        reader.Read();
        name = names.ReadString(ref reader);
        return true;
    }

    /// <summary>Moves to the next member: where its name (a JSON string) and its value start. False after the last one.</summary>
    /// <exception cref="JsonException">The text there is not a member of a JSON object.</exception>
    public bool MoveNext(out int nameStart, out int valueStart) => MoveNext(out nameStart, out _, out _, out valueStart);

    /// <summary>
    /// Moves to the next member: where its name (a JSON string) starts, the name's text between the quotes (with
    /// <paramref name="escaped"/> set when it has escapes), and where its value starts. False after the last one.
    /// </summary>
    /// <exception cref="JsonException">The text there is not a member of a JSON object.</exception>
    public bool MoveNext(out int nameStart, out ReadOnlySpan<byte> name, out bool escaped, out int valueStart)
    {
        _position = PayloadReader.SkipWhitespace(_json, _position);
        if (_position < _json.Length && _json[_position] == (byte)'}')
        {
            _position++;
            nameStart = -1;
            valueStart = -1;
            name = default;
            escaped = false;
            return false;
        }

        if (_started)
        {
            Expect((byte)',');
            _position = PayloadReader.SkipWhitespace(_json, _position);
        }

        _started = true;
        if (_position >= _json.Length || _json[_position] != (byte)'"')
        {
            throw Malformed(_position);
        }

        nameStart = _position;
        var text = _json[(_position + 1)..];
        var length = text.IndexOfAnyExcept(PlainNameBytes);
        if (length >= 0 && text[length] == (byte)'"')
        {
            // Printable ASCII up to the closing quote (feature keys nearly always are): nothing to unescape or check.
            name = text[..length];
            escaped = false;
            _position += length + 2;
        }
        else
        {
            var reader = new PayloadReader(_json[_position..]);
            reader.Read();
            name = reader.ValueSpan;
            escaped = reader.ValueIsEscaped;
            _position += reader.BytesConsumed;
        }

        _position = PayloadReader.SkipWhitespace(_json, _position);
        Expect((byte)':');
        valueStart = PayloadReader.SkipWhitespace(_json, _position);
        if (valueStart >= _json.Length)
        {
            throw Malformed(valueStart);
        }

        return true;
    }

    /// <summary>The current member's value ended at <paramref name="end"/> (exclusive).</summary>
    public void ValueEnded(int end) => _position = end;

    /// <summary>Checks that nothing but whitespace follows <paramref name="position"/>.</summary>
    /// <exception cref="JsonException">Something does.</exception>
    public static void ExpectEnd(ReadOnlySpan<byte> json, int position)
    {
        position = PayloadReader.SkipWhitespace(json, position);
        if (position != json.Length)
        {
            throw Malformed(position);
        }
    }

    private void Expect(byte c)
    {
        if (_position >= _json.Length || _json[_position] != c)
        {
            throw Malformed(_position);
        }

        _position++;
    }

    private static JsonException Malformed(int position) => new($"The payload is not valid JSON (at byte {position}).");
}
