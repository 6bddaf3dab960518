namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// A thread-safe set that remembers at most <c>capacity</c> keys, forgetting the least recently added first:
/// exposure dedupe whose memory does not grow with the number of users.
/// </summary>
internal sealed class BoundedSet(int capacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<string>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Adds the key; false when it was already present (it becomes the most recent again).</summary>
    public bool Add(string key)
    {
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddLast(node);
                return false;
            }

            _index[key] = _order.AddLast(key);
            if (_index.Count > capacity)
            {
                var oldest = _order.First!;
                _order.RemoveFirst();
                _index.Remove(oldest.Value);
            }

            return true;
        }
    }
}
