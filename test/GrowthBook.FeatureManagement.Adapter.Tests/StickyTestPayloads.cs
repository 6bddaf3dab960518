namespace GrowthBook.FeatureManagement.Testing;

/// <summary>
/// A payload with one experiment feature, <c>checkout</c> (experiment <c>checkout-exp</c>, variation keys "0" = "control"
/// and "1" = "treatment", hashed on <c>id</c>). Weights [1, 0] put everyone in control, [0, 1] everyone in treatment:
/// a user still in control after the flip is there by sticky bucketing.
/// </summary>
internal static class StickyTestPayloads
{
    public const string Feature = "checkout";

    public static string Checkout(int controlWeight, int treatmentWeight) => $$"""
        {
          "status": 200,
          "dateUpdated": "2024-01-0{{1 + treatmentWeight}}T00:00:00Z",
          "features": {
            "checkout": {
              "defaultValue": "none",
              "rules": [ {
                "key": "checkout-exp", "seed": "checkout-exp", "hashVersion": 2, "hashAttribute": "id", "bucketVersion": 0,
                "variations": ["control", "treatment"], "weights": [{{controlWeight}}, {{treatmentWeight}}], "coverage": 1,
                "meta": [ { "key": "0" }, { "key": "1" } ]
              } ]
            }
          }
        }
        """;

    public static string AllControl => Checkout(1, 0);

    public static string AllTreatment => Checkout(0, 1);
}
