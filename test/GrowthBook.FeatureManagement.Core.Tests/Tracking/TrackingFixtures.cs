namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>Payloads, users and recorders shared by the tracking and telemetry tests.</summary>
internal static class TrackingFixtures
{
    /// <summary>
    /// <c>checkout</c>: an experiment rule (<c>checkout-exp</c>, everyone in, hashed on <c>id</c>, variations
    /// <c>control</c>/<c>treatment</c>); <c>banner</c>: a default value only.
    /// </summary>
    public const string Payload = """
        {
          "status": 200,
          "dateUpdated": "2024-01-01T00:00:00Z",
          "features": {
            "checkout": {
              "defaultValue": "v1",
              "rules": [ {
                "key": "checkout-exp", "hashAttribute": "id", "coverage": 1, "weights": [0.5, 0.5],
                "variations": ["v1", "v2"], "meta": [ { "key": "control" }, { "key": "treatment" } ]
              } ]
            },
            "banner": { "defaultValue": true }
          }
        }
        """;

    /// <summary>An inline experiment everyone is in.</summary>
    public static readonly Experiment Inline = Experiment.Parse("""{ "key": "inline-exp", "variations": [0, 1], "hashAttribute": "id" }""");

    public static UserContext User(string id) => new() { Attributes = GrowthBookAttributes.From([new("id", id), new("plan", "pro")]) };

    public static GrowthBookClientOptions Options() => new() { BootstrapPayload = Payload };

    public static string Id(GrowthBookTelemetryEvent e) => e.User.Attributes.TryGetValue("id", out var id) ? id.GetString()! : "";
}
