namespace GrowthBook.FeatureManagement;

/// <summary>
/// A user's sticky-bucket assignments for one attribute value, in GrowthBook's document format:
/// <c>{"attributeName": "id", "attributeValue": "123", "assignments": {"exp-key__0": "1"}}</c>.
/// Assignment keys are <c>experimentKey__bucketVersion</c>; values are variation keys.
/// </summary>
/// <param name="AttributeName">The attribute (for example <c>id</c> or <c>deviceId</c>).</param>
/// <param name="AttributeValue">The attribute's value as a string.</param>
/// <param name="Assignments">Experiment key with bucket version → variation key.</param>
public sealed record StickyAssignmentsDocument(string AttributeName, string AttributeValue, IReadOnlyDictionary<string, string> Assignments)
{
    /// <summary>The document's key, <c>attributeName||attributeValue</c>.</summary>
    public string Key => GetKey(AttributeName, AttributeValue);

    /// <summary>The key of the document for an attribute value: <c>attributeName||attributeValue</c>.</summary>
    public static string GetKey(string attributeName, string attributeValue) => attributeName + "||" + attributeValue;
}
