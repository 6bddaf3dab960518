using System.Globalization;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Reads UTF-8 JSON straight into <see cref="JsValue"/>s, as <c>JSON.parse</c> reads it (duplicate keys: the last value
/// at the first position; escaped lone surrogates kept; numbers beyond double as ±Infinity), with no intermediate
/// document. Property names and short strings are interned for one payload compilation (until <see cref="Clear"/>), so
/// a payload holds one copy of each attribute name, operator and repeated value.
/// </summary>
internal sealed class JsonValueReader
{
    /// <summary>Reader options for remote JSON: deep documents are read (and cut, <see cref="JsJson.MaxValueDepth"/>), comments refused.</summary>
    public static readonly JsonReaderOptions Options = new()
    {
        MaxDepth = 100_000,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    // Strings up to this many UTF-8 bytes are interned: attribute names, operators, country codes, variation keys.
    private const int MaxInternedBytes = 32;

    // Past this many distinct strings the table stops growing: what repeats in a payload is seen early, and the rest
    // (rule ids, experiment keys) is unique; a table that grew with them would cost more than it saves.
    private const int MaxInternedStrings = 4096;

    // Keyed by the string's UTF-8 text as written (escaped strings are not interned), so a repeat costs a lookup only.
    private readonly TextTable<string> _strings = new();

    // Scratch lists per depth, reused for every object and array read at that depth.
    private readonly List<List<KeyValuePair<string, JsValue>>> _entries = [];
    private readonly List<List<JsValue>> _items = [];

    /// <summary>How many entries its string table and scratch lists hold before they grow (see <see cref="CompileScratch"/>).</summary>
    public int Capacity
    {
        get
        {
            var capacity = _strings.Capacity;
            foreach (var entries in _entries)
            {
                capacity += entries.Capacity + 1;
            }

            foreach (var items in _items)
            {
                capacity += items.Capacity + 1;
            }

            return capacity;
        }
    }

    /// <summary>Forgets the strings interned and what a read that threw left in the scratch lists, keeping their storage.</summary>
    public void Clear()
    {
        _strings.Clear();
        foreach (var entries in _entries)
        {
            entries.Clear();
        }

        foreach (var items in _items)
        {
            items.Clear();
        }
    }

    /// <summary>Reads the value whose first token the reader is on, leaving the reader on its last token.</summary>
    public JsValue Read(ref PayloadReader reader) => Read(ref reader, 0);

    /// <summary>
    /// Reads the value whose first token the reader is on, found at <paramref name="depth"/> in the value being read
    /// (containers at <see cref="JsJson.MaxValueDepth"/> and deeper are cut to null); a string is interned when
    /// <paramref name="intern"/> is set and it is short.
    /// </summary>
    public JsValue Read(ref PayloadReader reader, int depth, bool intern)
        => !intern && reader.TokenType == JsonTokenType.String ? JsValue.String(ReadUninterned(ref reader)) : Read(ref reader, depth);

    /// <summary>Reads one whole value starting at <paramref name="start"/>; <paramref name="end"/> is where it ends.</summary>
    /// <exception cref="JsonException">The bytes there are not one JSON value.</exception>
    public JsValue ReadAt(ReadOnlySpan<byte> json, int start, out int end) => ReadAt(json, start, 0, out end);

    /// <summary><see cref="ReadAt(ReadOnlySpan{byte}, int, out int)"/> for a value found at <paramref name="depth"/> in the value being read.</summary>
    /// <exception cref="JsonException">The bytes there are not one JSON value.</exception>
    public JsValue ReadAt(ReadOnlySpan<byte> json, int start, int depth, out int end)
    {
        var reader = new PayloadReader(json[start..]);
        reader.Read();
        var value = Read(ref reader, depth);
        end = start + reader.BytesConsumed;
        return value;
    }

    /// <summary>Reads the string token the reader is on, interned when short.</summary>
    public string ReadString(ref PayloadReader reader)
    {
        var span = reader.ValueSpan;
        if (reader.ValueIsEscaped || span.Length > MaxInternedBytes)
        {
            return ReadUninterned(ref reader);
        }

        var hash = TextTable<string>.HashOf(span);
        if (_strings.TryGetValue(span, hash, out var known))
        {
            return known;
        }

        var text = reader.DecodeValueSpan();
        if (_strings.Count < MaxInternedStrings)
        {
            _strings.Add(span, hash, text);
        }

        return text;
    }

    /// <summary>Reads the string token that starts at <paramref name="at"/> (a property name or a value), not interned.</summary>
    public static string ReadStringAt(ReadOnlySpan<byte> json, int at)
    {
        var reader = new PayloadReader(json[at..]);
        reader.Read();
        return ReadUninterned(ref reader);
    }

    // Not inlined: its exception handler would give every interned string's read a frame to zero.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string ReadUninterned(ref PayloadReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses escaped lone surrogates ("\ud800"); JSON.parse keeps them.
            return JsJson.UnescapeLenient("\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\"");
        }
    }

    private JsValue Read(ref PayloadReader reader, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return JsValue.True;
            case JsonTokenType.False:
                return JsValue.False;
            case JsonTokenType.Number:
                // Beyond double's range JSON.parse gives ±Infinity (or ±0 for tiny numbers), and so does double.Parse.
                return JsValue.Number(reader.TryGetDouble(out var number)
                    ? number
                    : double.Parse(Encoding.UTF8.GetString(reader.ValueSpan), NumberStyles.Float, CultureInfo.InvariantCulture));
            case JsonTokenType.String:
                return JsValue.String(ReadString(ref reader));
            case JsonTokenType.StartArray:
                return depth >= JsJson.MaxValueDepth ? Cut(ref reader) : ReadArray(ref reader, depth);
            case JsonTokenType.StartObject:
                return depth >= JsJson.MaxValueDepth ? Cut(ref reader) : ReadObject(ref reader, depth);
            default:
                return JsValue.Null;
        }
    }

    // Too deep: the value is read past (Skip does not recurse) and replaced by null, as JsJson.FromElement does.
    private static JsValue Cut(ref PayloadReader reader)
    {
        reader.Skip();
        return JsValue.Null;
    }

    private JsValue ReadArray(ref PayloadReader reader, int depth)
    {
        while (_items.Count <= depth)
        {
            _items.Add([]);
        }

        var items = _items[depth];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(Read(ref reader, depth + 1));
        }

        var array = items.Count == 0 ? [] : items.ToArray();
        items.Clear();
        return JsValue.Array(array);
    }

    private JsValue ReadObject(ref PayloadReader reader, int depth)
    {
        while (_entries.Count <= depth)
        {
            _entries.Add([]);
        }

        var entries = _entries[depth];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = ReadString(ref reader);
            reader.Read();
            entries.Add(new(name, Read(ref reader, depth + 1)));
        }

        var obj = JsObject.FromEntries(entries);
        entries.Clear();
        return JsValue.Object(obj);
    }
}
