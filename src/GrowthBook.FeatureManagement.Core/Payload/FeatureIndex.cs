using System.Collections.Frozen;
using GrowthBook.FeatureManagement.Evaluation;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// A payload's features by key: the position of each key in the payload, looked up on every evaluation. Keys of
/// different lengths (a small payload's, usually) are found by their length alone, then compared: built in one pass,
/// where a <see cref="FrozenDictionary{TKey, TValue}"/> first searches for the cheapest way to tell its keys apart
/// (0.2–0.4 µs for four keys), and looked up faster. Other keys are indexed by a frozen dictionary, whose lookups a
/// hash of the keys' ends (or of whole keys) did not match for twenty keys or more (docs/performance.md, "Parse, issue
/// 13's last item, continued").
/// </summary>
internal sealed class FeatureIndex
{
    // Keys by length are used up to this length.
    private const int MaxLengthIndexed = 64;

    private readonly string[] _keys; // in payload order (only read by length)
    private readonly int[]? _byLength; // 1 + the position of the key of each length; 0: none
    private readonly FrozenDictionary<string, int>? _frozen;

    private FeatureIndex(string[] keys, int[]? byLength, FrozenDictionary<string, int>? frozen)
    {
        _keys = keys;
        _byLength = byLength;
        _frozen = frozen;
    }

    public static FeatureIndex Empty { get; } = new([], [], null);

    /// <summary>Whether the keys were indexed by a frozen dictionary (some have the same length).</summary>
    internal bool IsFrozen => _frozen is not null;

    /// <summary>Indexes <paramref name="keys"/>, which are distinct, by their positions.</summary>
    public static FeatureIndex Create(string[] keys) => Create(keys, positions: null);

    /// <summary>
    /// Indexes the keys of <paramref name="features"/> (distinct), whose positions <paramref name="positions"/> also
    /// gives (it is only read).
    /// </summary>
    public static FeatureIndex Create(FeatureDefinition[] features, Dictionary<string, int> positions)
    {
        // Only a payload of a few keys can have them all of different lengths: no key array is made for a larger one.
        string[]? keys = null;
        if (features.Length <= MaxLengthIndexed + 1)
        {
            keys = new string[features.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = features[i].Key;
            }
        }

        return Create(keys, positions);
    }

    // By length when `keys` (if given) allow it; otherwise a frozen dictionary of `positions` (made from `keys` if not given).
    private static FeatureIndex Create(string[]? keys, Dictionary<string, int>? positions)
    {
        if (keys is not null && ByLength(keys) is { } byLength)
        {
            return new FeatureIndex(keys, byLength, null);
        }

        if (positions is null)
        {
            positions = new Dictionary<string, int>(keys!.Length, StringComparer.Ordinal);
            for (var i = 0; i < keys.Length; i++)
            {
                positions[keys[i]] = i;
            }
        }

        return new FeatureIndex([], null, positions.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The key's position in the payload.</summary>
    public bool TryGetValue(string key, out int position)
    {
        if (_byLength is { } byLength)
        {
            if ((uint)key.Length < (uint)byLength.Length && byLength[key.Length] is > 0 and var at && string.Equals(_keys[at - 1], key, StringComparison.Ordinal))
            {
                position = at - 1;
                return true;
            }

            position = -1;
            return false;
        }

        return _frozen!.TryGetValue(key, out position);
    }

    /// <summary>Whether the payload has a feature of this key.</summary>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    // The keys' positions by their lengths, when no two have the same length (and none is long); null otherwise.
    private static int[]? ByLength(string[] keys)
    {
        var longest = 0;
        foreach (var key in keys)
        {
            longest = Math.Max(longest, key.Length);
        }

        if (longest > MaxLengthIndexed || keys.Length > longest + 1)
        {
            return null;
        }

        var byLength = new int[longest + 1];
        for (var i = 0; i < keys.Length; i++)
        {
            ref var position = ref byLength[keys[i].Length];
            if (position != 0)
            {
                return null;
            }

            position = i + 1;
        }

        return byLength;
    }
}
