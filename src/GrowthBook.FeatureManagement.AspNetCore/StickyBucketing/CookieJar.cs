namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>One request's sticky-bucket documents: those its cookie brought, updated by the saves made during the request.</summary>
internal sealed class CookieJar(List<StickyAssignmentsDocument> fromCookie)
{
    private readonly object _gate = new();
    private readonly List<StickyAssignmentsDocument> _documents = fromCookie; // oldest first
    private bool _writeScheduled;

    public StickyAssignmentsDocument? Get(string attributeName, string attributeValue)
    {
        lock (_gate)
        {
            return _documents.FindLast(d => d.IsFor(attributeName, attributeValue));
        }
    }

    /// <summary>Keeps the document (replacing the one for its attribute value); true the first time, when the cookie must be scheduled for writing.</summary>
    public bool Save(StickyAssignmentsDocument document)
    {
        lock (_gate)
        {
            _documents.RemoveAll(d => d.IsFor(document.AttributeName, document.AttributeValue));
            _documents.Add(document);
            var first = !_writeScheduled;
            _writeScheduled = true;
            return first;
        }
    }

    public List<StickyAssignmentsDocument> NewestFirst()
    {
        lock (_gate)
        {
            var copy = new List<StickyAssignmentsDocument>(_documents);
            copy.Reverse();
            return copy;
        }
    }
}
