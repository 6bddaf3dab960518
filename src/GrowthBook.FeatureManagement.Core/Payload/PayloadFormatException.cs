namespace GrowthBook.FeatureManagement.Payload;

/// <summary>Thrown inside the payload compiler when one feature or rule is malformed; caught there, logged, and the item skipped.</summary>
internal sealed class PayloadFormatException(string message) : Exception(message);
