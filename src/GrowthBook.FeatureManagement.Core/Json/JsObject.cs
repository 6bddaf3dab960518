namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// An immutable JSON object that keeps its keys in insertion order (which <c>JSON.stringify</c>
/// equality and condition iteration depend on) and finds a key quickly.
/// </summary>
internal sealed class JsObject
{
    // Small objects (most attribute sets) are scanned; larger ones get a dictionary.
    private const int LinearScanLimit = 8;

    private readonly KeyValuePair<string, JsValue>[] _entries;
    private readonly Dictionary<string, int>? _index;

    public static readonly JsObject Empty = new([]);

    /// <summary>Creates an object from entries whose keys are already unique.</summary>
    public JsObject(KeyValuePair<string, JsValue>[] entries)
    {
        _entries = entries;
        if (entries.Length > LinearScanLimit)
        {
            _index = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
            for (var i = 0; i < entries.Length; i++)
            {
                _index[entries[i].Key] = i;
            }
        }
    }

    /// <summary>
    /// Creates an object from entries that may repeat a key. As <c>JSON.parse</c> does, the last value
    /// wins and the key keeps its first position.
    /// </summary>
    public static JsObject FromEntries(List<KeyValuePair<string, JsValue>> entries)
    {
        Dictionary<string, int>? seen = null;
        var result = new List<KeyValuePair<string, JsValue>>(entries.Count);
        foreach (var entry in entries)
        {
            seen ??= new Dictionary<string, int>(StringComparer.Ordinal);
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

    public int Count => _entries.Length;

    public ReadOnlySpan<KeyValuePair<string, JsValue>> Entries => _entries;

    public bool TryGetValue(string key, out JsValue value)
    {
        if (_index is not null)
        {
            if (_index.TryGetValue(key, out var i))
            {
                value = _entries[i].Value;
                return true;
            }
        }
        else
        {
            var entries = _entries;
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

    /// <summary>A copy with <paramref name="key"/> set (replaced in place, or appended).</summary>
    public JsObject With(string key, JsValue value)
    {
        for (var i = 0; i < _entries.Length; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                var copy = (KeyValuePair<string, JsValue>[])_entries.Clone();
                copy[i] = new(key, value);
                return new JsObject(copy);
            }
        }

        var grown = new KeyValuePair<string, JsValue>[_entries.Length + 1];
        _entries.CopyTo(grown, 0);
        grown[^1] = new(key, value);
        return new JsObject(grown);
    }
}
