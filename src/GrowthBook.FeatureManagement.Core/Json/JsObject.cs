namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// An immutable JSON object that keeps its keys in JavaScript's property order (which <c>JSON.stringify</c>
/// equality and condition iteration depend on) and finds a key quickly. That order is insertion order, except
/// that array-index keys ("0", "1", … "4294967294") come first, in ascending numeric order: JS reorders them in
/// every object, so <c>{"b":1,"1":2}</c> stringifies as <c>{"1":2,"b":1}</c> (docs/engine.md, "JSON values").
/// </summary>
internal sealed class JsObject
{
    // Small objects (most attribute sets) are scanned; larger ones get a dictionary.
    private const int LinearScanLimit = 16;

    // The entries (small objects), or the entries with an index (larger ones): one field, so small objects — nearly all
    // of a payload's values and attribute sets — do not carry an empty slot for an index.
    private readonly object _store;

    public static readonly JsObject Empty = new([]);

    /// <summary>Creates an object from entries whose keys are already unique (put in JS property order).</summary>
    public JsObject(KeyValuePair<string, JsValue>[] entries)
    {
        entries = InPropertyOrder(entries);
        _store = entries.Length > LinearScanLimit ? new Indexed(entries) : entries;
    }

    private sealed class Indexed
    {
        public Indexed(KeyValuePair<string, JsValue>[] entries)
        {
            Entries = entries;
            Index = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++)
            {
                Index[entries[i].Key] = i;
            }
        }

        public KeyValuePair<string, JsValue>[] Entries { get; }

        public Dictionary<string, int> Index { get; }
    }

    /// <summary>
    /// Creates an object from entries that may repeat a key. As <c>JSON.parse</c> does, the last value
    /// wins and the key keeps its first position.
    /// </summary>
    public static JsObject FromEntries(List<KeyValuePair<string, JsValue>> entries)
        => FromEntries(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries));

    /// <inheritdoc cref="FromEntries(List{KeyValuePair{string, JsValue}})"/>
    public static JsObject FromEntries(ReadOnlySpan<KeyValuePair<string, JsValue>> entries)
    {
        if (entries.Length == 0)
        {
            return Empty;
        }

        if (entries.Length <= LinearScanLimit)
        {
            // Small objects (nearly all of a payload's) look for a repeated key by scanning; no dictionary.
            var unique = true;
            for (var i = 1; i < entries.Length && unique; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(entries[i].Key, entries[j].Key, StringComparison.Ordinal))
                    {
                        unique = false;
                        break;
                    }
                }
            }

            if (unique)
            {
                return new JsObject(entries.ToArray());
            }
        }

        var seen = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
        var result = new List<KeyValuePair<string, JsValue>>(entries.Length);
        foreach (var entry in entries)
        {
            if (seen.TryGetValue(entry.Key, out var at))
            {
                result[at] = entry;
            }
            else
            {
                seen[entry.Key] = result.Count;
                result.Add(entry);
            }
        }

        return new JsObject([.. result]);
    }

    public int Count => Entries.Length;

    // OrdinaryOwnPropertyKeys: array indices ascending, then the string keys in insertion order. Most objects have
    // no index keys, or have them first and sorted already, and are kept as they are.
    private static KeyValuePair<string, JsValue>[] InPropertyOrder(KeyValuePair<string, JsValue>[] entries)
    {
        var indices = 0;
        var inOrder = true;
        var seenName = false;
        var previous = 0u;
        foreach (var entry in entries)
        {
            if (!TryGetArrayIndex(entry.Key, out var index))
            {
                seenName = true;
                continue;
            }

            inOrder &= !seenName && (indices == 0 || index > previous);
            previous = index;
            indices++;
        }

        if (inOrder)
        {
            return entries;
        }

        var ordered = new KeyValuePair<string, JsValue>[entries.Length];
        var keys = new uint[indices];
        var next = 0;
        foreach (var entry in entries)
        {
            if (TryGetArrayIndex(entry.Key, out var index))
            {
                keys[next] = index;
                ordered[next++] = entry;
            }
        }

        Array.Sort(keys, ordered, 0, indices);
        foreach (var entry in entries)
        {
            if (!TryGetArrayIndex(entry.Key, out _))
            {
                ordered[next++] = entry;
            }
        }

        return ordered;
    }

    /// <summary>An array index: the canonical decimal form of an integer from 0 to 2^32 − 2 ("01" and "4294967295" are not).</summary>
    private static bool TryGetArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length is 0 or > 10 || !char.IsAsciiDigit(key[0]) || (key[0] == '0' && key.Length > 1))
        {
            return false;
        }

        ulong value = 0;
        foreach (var c in key)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        if (value > 4294967294)
        {
            return false;
        }

        index = (uint)value;
        return true;
    }

    public ReadOnlySpan<KeyValuePair<string, JsValue>> Entries => _store as KeyValuePair<string, JsValue>[] ?? ((Indexed)_store).Entries;

    public bool TryGetValue(string key, out JsValue value)
    {
        if (_store is not KeyValuePair<string, JsValue>[] entries)
        {
            var indexed = (Indexed)_store;
            if (indexed.Index.TryGetValue(key, out var i))
            {
                value = indexed.Entries[i].Value;
                return true;
            }
        }
        else
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (string.Equals(entries[i].Key, key, StringComparison.Ordinal))
                {
                    value = entries[i].Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public JsValue this[string key] => TryGetValue(key, out var value) ? value : JsValue.Null;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>A copy without <paramref name="key"/> (this object when it has none).</summary>
    public JsObject Without(string key)
    {
        if (!ContainsKey(key))
        {
            return this;
        }

        var entries = new List<KeyValuePair<string, JsValue>>(Count - 1);
        foreach (var entry in Entries)
        {
            if (!string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                entries.Add(entry);
            }
        }

        return new JsObject([.. entries]);
    }

    /// <summary>A copy with <paramref name="key"/> set (replaced in place, or appended).</summary>
    public JsObject With(string key, JsValue value)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key, key, StringComparison.Ordinal))
            {
                var copy = entries.ToArray();
                copy[i] = new(key, value);
                return new JsObject(copy);
            }
        }

        var grown = new KeyValuePair<string, JsValue>[entries.Length + 1];
        entries.CopyTo(grown);
        grown[^1] = new(key, value);
        return new JsObject(grown);
    }
}
