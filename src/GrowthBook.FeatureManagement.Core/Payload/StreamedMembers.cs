using System.Text.Json;
using GrowthBook.FeatureManagement.Conditions;
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
    private SharedCondition? _condition; // the `condition` member, compiled as read
    private readonly Entry[] _entries = new Entry[MemberNames.Count];
    private MemberSet _present; // the members of the object read last; an entry of any other is stale
    private ReadOnlyMemory<byte> _json;
    private int _depth;

    private struct Entry
    {
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
    /// <param name="conditions">
    /// Compiles a <c>condition</c> member as it is read (<see cref="ConditionCompiler.CompileAsRead"/>); null: the
    /// member is only located.
    /// </param>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public void Read(ref PayloadReader reader, ReadOnlyMemory<byte> json, int offset, int depth, ConditionCompiler? conditions)
    {
        _present = default;
        _json = json;
        _depth = depth + 1;
        _condition = null;
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
            _present = _present.With(member);
            entry.Start = offset + reader.TokenStartIndex;
            if (member == Member.Condition)
            {
                _condition = null; // a repeated member: the last one wins
            }

            if (conditions is not null && member == Member.Condition && reader.TokenType == JsonTokenType.StartObject && _depth < JsJson.MaxValueDepth)
            {
                // Compiled straight from the text; one of another shape is built from it when asked for.
                entry.Type = JsType.Object;
                entry.Built = false;
                entry.Value = default;
                _condition = conditions.CompileAsRead(ref reader, values, _depth);
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && _depth < JsJson.MaxValueDepth)
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

            entry.End = offset + reader.BytesConsumed;
        }
    }

    /// <summary>The members the object read last has.</summary>
    public MemberSet Present => _present;

    /// <summary>Forgets the last object read: no reference is left to its text, values or condition.</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        _present = default;
        _json = default;
        _condition = null;
    }

    public override bool TryGetValue(Member member, out JsValue value)
    {
        if (!_present.Contains(member))
        {
            value = default;
            return false;
        }

        ref var entry = ref _entries[(int)member];
        if (!entry.Built)
        {
            entry.Value = values.ReadAt(_json.Span, entry.Start, _depth, out _);
            entry.Built = true;
        }

        value = entry.Value;
        return true;
    }

    public override JsType TypeOf(Member member) => _present.Contains(member) ? _entries[(int)member].Type : JsType.Null;

    public override SharedCondition? CompiledCondition(Member member)
        => member == Member.Condition && _present.Contains(Member.Condition) ? _condition : null;

    public override bool Contains(Member member) => _present.Contains(member);

    public override ReadOnlyMemory<byte> Json(Member member)
    {
        if (!_present.Contains(member))
        {
            return default;
        }

        ref var entry = ref _entries[(int)member];
        return _json[entry.Start..entry.End];
    }
}
