namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>An in-memory store that counts its calls and remembers what it was asked for.</summary>
internal sealed class CountingStickyStore : IStickyBucketService
{
    private readonly InMemoryStickyBucketService _inner = new();
    private int _gets;
    private int _getAlls;
    private int _saves;

    public int Gets => _gets;

    public int GetAlls => _getAlls;

    public int Saves => _saves;

    public IReadOnlyDictionary<string, string>? LastQuery { get; private set; }

    /// <summary>How long GetAll takes (zero: it answers synchronously, as a local store does).</summary>
    public TimeSpan Delay { get; init; }

    public IReadOnlyDictionary<string, StickyAssignmentsDocument> Documents => _inner.Documents;

    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _gets);
        return _inner.GetAssignmentsAsync(attributeName, attributeValue, cancellationToken);
    }

    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _saves);
        return _inner.SaveAssignmentsAsync(document, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getAlls);
        LastQuery = new Dictionary<string, string>(attributes);
        return Delay > TimeSpan.Zero ? Delayed(attributes, cancellationToken) : _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
    }

    private async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> Delayed(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        await Task.Delay(Delay, cancellationToken);
        return await _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
    }
}

/// <summary>A store that is down: every call throws, with the keys it was asked for in the message (as real clients' errors do).</summary>
internal sealed class ThrowingStickyStore : IStickyBucketService
{
    public int Calls;

    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
        => throw Fail(attributeValue);

    public async ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        throw Fail(document.AttributeValue);
    }

    public async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        throw Fail(string.Join(",", attributes.Values));
    }

    private InvalidOperationException Fail(string keys)
    {
        Interlocked.Increment(ref Calls);
        return new InvalidOperationException("store down while reading " + keys);
    }
}

/// <summary>A store that never answers (and ignores cancellation, as a wedged connection would).</summary>
internal sealed class HangingStickyStore : IStickyBucketService
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls;

    public async ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        await _never.Task;
        return null;
    }

    public async ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        await _never.Task;
    }

    public async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        await _never.Task;
        return new Dictionary<string, StickyAssignmentsDocument>();
    }
}

/// <summary>A store that loads fine but cannot save.</summary>
internal sealed class ReadOnlyStickyStore : IStickyBucketService
{
    private readonly InMemoryStickyBucketService _inner = new();

    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
        => _inner.GetAssignmentsAsync(attributeName, attributeValue, cancellationToken);

    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
        => ValueTask.FromException(new IOException("read-only store, key " + document.Key));

    public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
        => _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
}

/// <summary>An in-memory store that can be taken down: while <see cref="Down"/>, every call throws, quoting the keys it was asked for.</summary>
internal sealed class SwitchableStickyStore : IStickyBucketService
{
    private readonly InMemoryStickyBucketService _inner = new();
    private int _calls;

    public volatile bool Down;

    /// <summary>Calls that reached the store (up or down).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyDictionary<string, StickyAssignmentsDocument> Documents => _inner.Documents;

    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        Reach(attributeValue);
        return _inner.GetAssignmentsAsync(attributeName, attributeValue, cancellationToken);
    }

    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        Reach(document.AttributeValue);
        return _inner.SaveAssignmentsAsync(document, cancellationToken);
    }

    /// <summary>When set, reads wait for it (a slow store) before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        Reach(string.Join(",", attributes.Values));
        return Gate is { } gate ? Slow(gate.Task, attributes, cancellationToken) : _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
    }

    private async ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> Slow(Task gate, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        await gate;
        return await _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
    }

    private void Reach(string keys)
    {
        Interlocked.Increment(ref _calls);
        if (Down)
        {
            throw new IOException("connection refused while reading " + keys);
        }
    }
}
