using System.Text.Json;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// One JSON object's members read from the payload's text as <c>JSON.parse</c> gives them (a repeated member: the last
/// wins; names that are not <see cref="Member"/>s are skipped): primitives are read, objects and arrays are checked and
/// located, and built only when asked for (a condition, when the caller prefers, as it is read) — at the depth they
/// have in the payload, so a deep value is cut exactly where reading the whole object would cut it. One instance serves
/// every rule of a payload in turn, and the next payload's after <see cref="Clear"/>.
/// </summary>
internal sealed class StreamedMembers(JsonValueReader values) : JsonMembers
{
    private readonly Entry[] _entries = new Entry[MemberNames.Count];
    private int _stamp;
    private ReadOnlyMemory<byte> _json;
    private int _depth;

    private struct Entry
    {
        public int Stamp; // the object it was read from (_stamp then); any other value: absent
        public JsType Type;
        public bool Built;
        public JsValue Value;
        public int Start;
        public int End;
    }

    /// <summary>Reads the object whose <c>{</c> the reader is on, leaving the reader on its <c>}</c>.</summary>
    /// <param name="reader">The reader, over <paramref name="json"/> from <paramref name="offset"/> on.</param>
    /// <param name="json">The whole text the reader reads a part of.</param>
    /// <param name="offset">Where the reader's text starts in <paramref name="json"/>.</param>
    /// <param name="depth">The object's depth in the value it belongs to (its members are one deeper).</param>
    /// <param name="buildConditions">Build a <c>condition</c> member as it is read (its text is still at hand).</param>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public void Read(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, int offset, int depth, bool buildConditions)
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_entries);
            _stamp = 1;
        }

        _json = json;
        _depth = depth + 1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var known = MemberNames.TryIdentify(ref reader, out var member);
            reader.Read();
            if (!known)
            {
                reader.Skip();
                continue;
            }

            ref var entry = ref _entries[(int)member];
            entry.Stamp = _stamp;
            entry.Start = offset + (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && _depth < JsJson.MaxValueDepth
                && !(buildConditions && member == Member.Condition))
            {
                entry.Type = reader.TokenType == JsonTokenType.StartObject ? JsType.Object : JsType.Array;
                entry.Built = false;
                entry.Value = default;
                reader.Skip();
            }
            else
            {
                // Ids, keys, seeds and names are unique to their rule: not worth a place in the string table.
                entry.Value = member is Member.Id or Member.Key or Member.Seed or Member.Name
                    ? values.Read(ref reader, _depth, intern: false)
                    : values.Read(ref reader, _depth, intern: true);
                entry.Type = entry.Value.Type;
                entry.Built = true;
            }

            entry.End = offset + (int)reader.BytesConsumed;
        }
    }

    /// <summary>Forgets the last object read: no reference is left to its text or values.</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        _stamp = 0;
        _json = default;
    }

    public override bool TryGetValue(Member member, out JsValue value)
    {
        ref var entry = ref _entries[(int)member];
        if (entry.Stamp != _stamp)
        {
            value = default;
            return false;
        }

        if (!entry.Built)
        {
            entry.Value = values.ReadAt(_json.Span, entry.Start, _depth, out _);
            entry.Built = true;
        }

        value = entry.Value;
        return true;
    }

    public override JsType TypeOf(Member member)
    {
        ref var entry = ref _entries[(int)member];
        return entry.Stamp == _stamp ? entry.Type : JsType.Null;
    }

    public override bool Contains(Member member) => _entries[(int)member].Stamp == _stamp;

    public override ReadOnlyMemory<byte> Json(Member member)
    {
        ref var entry = ref _entries[(int)member];
        return entry.Stamp == _stamp ? _json[entry.Start..entry.End] : default;
    }
}
