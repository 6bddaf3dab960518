using System.IO.Hashing;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// A hash table keyed by UTF-8 text, looked up without allocating: what the compiler has already made of a given piece
/// of a payload's text (a string, a condition, a list of variations), so that text repeated on thousands of features is
/// turned into objects once. A key given as a span is copied into chunks of growing size (never moved); one given as
/// memory (a part of the text being compiled, unchanged until the compilation ends) is kept as it is. Filled by one
/// compilation and <see cref="Clear"/>ed after it (<see cref="CompileScratch"/>); allocates nothing until the first key is
/// added.
/// </summary>
/// <remarks>
/// Hostile text cannot make lookups slow: the hash is seeded at random per process, and a chain that reaches
/// <see cref="MaxChain"/> entries takes no more (what would have been added is then simply not shared).
/// </remarks>
internal sealed class TextTable<T>
{
    private const int MaxChain = 8;
    private const int FirstChunk = 512;
    private const int LargestChunk = 64 * 1024;
    private const int KeptChunk = 8 * 1024;

    private static readonly long Seed = Random.Shared.NextInt64();

    private int[] _buckets = []; // 1 + index into _entries; 0: empty
    private Entry[] _entries = [];
    private byte[] _chunk = [];
    private int _chunkUsed;
    private int _count;

    private struct Entry
    {
        public uint Hash;
        public int Next; // 1 + index of the next entry in the chain; 0: none
        public ReadOnlyMemory<byte> Key;
        public T Value;
    }

    public int Count => _count;

    /// <summary>How many entries the table holds before it grows.</summary>
    public int Capacity => _entries.Length;

    /// <summary>
    /// Empties the table, keeping its arrays: no key (a reference into the text compiled) or value is left, and the bytes
    /// copied into the current chunk are zeroed (older chunks, and a current one over <see cref="KeptChunk"/> bytes, are let
    /// go with their keys).
    /// </summary>
    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_entries, 0, _count);
            Array.Clear(_buckets);
            _count = 0;
        }

        if (_chunk.Length > KeptChunk)
        {
            _chunk = [];
        }
        else
        {
            _chunk.AsSpan(0, _chunkUsed).Clear();
        }

        _chunkUsed = 0;
    }

    public bool TryGetValue(ReadOnlySpan<byte> key, out T value) => TryGetValue(key, HashOf(key), out value);

    /// <summary>
    /// <see cref="TryGetValue(ReadOnlySpan{byte}, out T)"/> with the key's <see cref="HashOf"/>, which an
    /// <see cref="Add(ReadOnlyMemory{byte}, uint, T)"/> after a miss takes too, rather than hashing the key again.
    /// </summary>
    public bool TryGetValue(ReadOnlySpan<byte> key, uint hash, out T value)
    {
        if (_count > 0)
        {
            for (var i = _buckets[hash & (uint)(_buckets.Length - 1)]; i != 0; i = _entries[i - 1].Next)
            {
                ref var entry = ref _entries[i - 1];
                if (entry.Hash == hash && key.SequenceEqual(entry.Key.Span))
                {
                    value = entry.Value;
                    return true;
                }
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Adds a copy of <paramref name="key"/> (not in the table yet), unless its chain is full.</summary>
    public void Add(ReadOnlySpan<byte> key, T value) => Add(key, HashOf(key), value);

    /// <summary><see cref="Add(ReadOnlySpan{byte}, T)"/>, with the key's <see cref="HashOf"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, uint hash, T value)
    {
        if (FreeBucket(hash) is not { } bucket)
        {
            return;
        }

        if (_chunkUsed + key.Length > _chunk.Length)
        {
            // A new chunk, twice the last (a key longer than that gets one of its own size); the old one stays with its keys.
            _chunk = new byte[Math.Max(key.Length, Math.Clamp(_chunk.Length * 2, FirstChunk, LargestChunk))];
            _chunkUsed = 0;
        }

        key.CopyTo(_chunk.AsSpan(_chunkUsed));
        Insert(bucket, hash, _chunk.AsMemory(_chunkUsed, key.Length), value);
        _chunkUsed += key.Length;
    }

    /// <summary>
    /// Adds <paramref name="key"/> (not in the table yet) without copying it, unless its chain is full: its memory must
    /// stay unchanged for the table's life (a part of the text being compiled).
    /// </summary>
    public void Add(ReadOnlyMemory<byte> key, T value) => Add(key, HashOf(key.Span), value);

    /// <summary><see cref="Add(ReadOnlyMemory{byte}, T)"/>, with the key's <see cref="HashOf"/>.</summary>
    public void Add(ReadOnlyMemory<byte> key, uint hash, T value)
    {
        if (FreeBucket(hash) is { } bucket)
        {
            Insert(bucket, hash, key, value);
        }
    }

    // The bucket a key of this hash goes into, or null when its chain is full.
    private int? FreeBucket(uint hash)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        var bucket = (int)(hash & (uint)(_buckets.Length - 1));
        var chain = 0;
        for (var i = _buckets[bucket]; i != 0; i = _entries[i - 1].Next)
        {
            if (++chain == MaxChain)
            {
                return null;
            }
        }

        return bucket;
    }

    private void Insert(int bucket, uint hash, ReadOnlyMemory<byte> key, T value)
    {
        _entries[_count] = new Entry { Hash = hash, Next = _buckets[bucket], Key = key, Value = value };
        _buckets[bucket] = ++_count;
    }

    /// <summary>The key's hash, seeded per process; a lookup and an add of one key may share it.</summary>
    public static uint HashOf(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key, Seed);

    private void Grow()
    {
        Array.Resize(ref _entries, Math.Max(8, _entries.Length * 2));
        _buckets = new int[_entries.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[_entries[i].Hash & (uint)(_buckets.Length - 1)];
            _entries[i].Next = bucket;
            bucket = i + 1;
        }
    }
}
