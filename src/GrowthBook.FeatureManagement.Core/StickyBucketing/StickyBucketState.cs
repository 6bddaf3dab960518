using System.Diagnostics.CodeAnalysis;

namespace GrowthBook.FeatureManagement.StickyBucketing;

/// <summary>
/// One user's sticky-bucket documents, loaded before evaluation, read and updated by it (docs/engine.md, "Sticky bucketing").
/// Changed documents are handed to <c>save</c>, which persists them without blocking evaluation.
/// </summary>
internal sealed class StickyBucketState(IDictionary<string, StickyAssignmentsDocument> documents, Action<StickyAssignmentsDocument> save)
{
    private readonly object _gate = new();

    /// <summary>
    /// <c>getStickyBucketAttributes</c>: the values (as sticky strings) of the attributes the payload's experiments hash
    /// on, for the user. Missing or falsy attributes are left out: no experiment can assign, or store, a document for them.
    /// </summary>
    public static Dictionary<string, string> AttributesOf(GrowthBookPayload payload, UserContext user)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in payload.StickyBucketAttributes)
        {
            if (user.Attributes.Values.TryGetValue(attribute, out var value) && value.IsTruthy)
            {
                attributes[attribute] = Evaluation.Evaluator.ToStickyString(value);
            }
        }

        return attributes;
    }

    public IReadOnlyDictionary<string, StickyAssignmentsDocument> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, StickyAssignmentsDocument>(documents, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// <c>getStickyBucketAssignments</c> without merging: the hash attribute's document and the fallback attribute's
    /// (either may be null), taken together. Documents are immutable, so they are read outside the lock.
    /// </summary>
    public (StickyAssignmentsDocument? Hash, StickyAssignmentsDocument? Fallback) GetDocuments(string hashKey, string? fallbackKey)
    {
        lock (_gate)
        {
            return (documents.TryGetValue(hashKey, out var hash) ? hash : null,
                fallbackKey is not null && documents.TryGetValue(fallbackKey, out var fallback) ? fallback : null);
        }
    }

    /// <summary>One assignment of the merged assignments: the hash attribute's document wins over the fallback's.</summary>
    public static bool TryGetAssignment(
        (StickyAssignmentsDocument? Hash, StickyAssignmentsDocument? Fallback) documents, string assignmentKey, [NotNullWhen(true)] out string? variationKey)
    {
        variationKey = null;
        return documents.Hash?.Assignments.TryGetValue(assignmentKey, out variationKey) == true
            || documents.Fallback?.Assignments.TryGetValue(assignmentKey, out variationKey) == true;
    }

    /// <summary><c>generateStickyBucketAssignmentDoc</c> + save when changed.</summary>
    public void Assign(string attributeName, string attributeValue, string experimentKey, string variationKey)
    {
        var key = StickyAssignmentsDocument.GetKey(attributeName, attributeValue);
        StickyAssignmentsDocument updated;
        lock (_gate)
        {
            var existing = documents.TryGetValue(key, out var doc) ? doc.Assignments : null;
            if (existing is not null && existing.TryGetValue(experimentKey, out var current) && current == variationKey)
            {
                return; // unchanged: nothing to save
            }

            var assignments = existing is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : new Dictionary<string, string>(existing, StringComparer.Ordinal);
            assignments[experimentKey] = variationKey;
            updated = new StickyAssignmentsDocument(attributeName, attributeValue, assignments);
            documents[key] = updated;
        }

        save(updated);
    }
}
