using System.Collections.Concurrent;

namespace GrowthBook.FeatureManagement;

/// <summary>A thread-safe, process-local sticky-bucket store, for tests and single-instance apps.</summary>
public sealed class InMemoryStickyBucketService : IStickyBucketService
{
    private readonly ConcurrentDictionary<string, StickyAssignmentsDocument> _documents = new(StringComparer.Ordinal);

    /// <summary>The stored documents, keyed by <see cref="StickyAssignmentsDocument.Key"/>.</summary>
    public IReadOnlyDictionary<string, StickyAssignmentsDocument> Documents => _documents;

    /// <inheritdoc />
    public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_documents.TryGetValue(StickyAssignmentsDocument.GetKey(attributeName, attributeValue), out var doc) ? doc : null);

    /// <inheritdoc />
    public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        _documents[document.Key] = document;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var result = new Dictionary<string, StickyAssignmentsDocument>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            if (_documents.TryGetValue(StickyAssignmentsDocument.GetKey(name, value), out var doc))
            {
                result[doc.Key] = doc;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, StickyAssignmentsDocument>>(result);
    }
}
