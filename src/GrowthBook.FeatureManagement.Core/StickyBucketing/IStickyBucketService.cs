namespace GrowthBook.FeatureManagement;

/// <summary>
/// Stores sticky-bucket documents so a user keeps their variation when targeting or weights change. Async, so a
/// networked store never blocks a thread; evaluation itself reads documents loaded before it starts.
/// </summary>
public interface IStickyBucketService
{
    /// <summary>Gets the document for one attribute value, or null when there is none.</summary>
    ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default);

    /// <summary>Saves (replaces) a document.</summary>
    ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the documents for several attribute values at once (attribute name → value), keyed by
    /// <see cref="StickyAssignmentsDocument.Key"/>. Stores that can fetch many keys in one round trip should.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default);
}
