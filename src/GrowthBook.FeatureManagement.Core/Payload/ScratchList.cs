namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// A list the compiler refills for every rule or condition it reads (clauses, operators, names, rules): emptied by
/// <see cref="Truncate"/> without clearing, since the references it still holds are to the payload being compiled, and
/// cleared by <see cref="Clear"/> when the compilation's scratch is (<see cref="CompileScratch"/>). A <see cref="List{T}"/>
/// clears its array on every <c>Clear</c>, and its stores into an array of an abstract node type call a covariance check.
/// </summary>
internal sealed class ScratchList<T>
    where T : class
{
    private T[] _items = new T[4];
    private int _count;

    public int Count => _count;

    /// <summary>How many items it holds before it grows.</summary>
    public int Capacity => _items.Length;

    public T this[int index] => index < _count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public ReadOnlySpan<T> AsSpan() => _items.AsSpan(0, _count);

    public void Add(T item)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        // Stored through a span: its array's type was checked once, when the span was made.
        _items.AsSpan()[_count++] = item;
    }

    /// <summary>The position of <paramref name="item"/> (compared by <see cref="EqualityComparer{T}.Default"/>) from <paramref name="start"/> on; -1 when it is not there.</summary>
    public int IndexOf(T item, int start = 0)
    {
        for (var i = start; i < _count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(_items[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Keeps the first <paramref name="count"/> items; the others stay referenced until <see cref="Clear"/>.</summary>
    public void Truncate(int count = 0) => _count = Math.Min(count, _count);

    /// <summary>Empties it, keeping no reference.</summary>
    public void Clear()
    {
        Array.Clear(_items); // the whole array: what Truncate left past the count goes too
        _count = 0;
    }
}
