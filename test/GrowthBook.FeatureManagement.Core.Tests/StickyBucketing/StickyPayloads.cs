using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.Tests.Client;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// A payload with one experiment feature, <c>checkout</c> (experiment <c>checkout-exp</c>, variations "control" and
/// "treatment" with meta keys "0" and "1", hashed on <c>id</c> with <c>deviceId</c> as fallback). The weights decide
/// for everyone: [1, 0] puts every user in control, [0, 1] in treatment — so a user who keeps "control" after the
/// weights flip kept it because of sticky bucketing, not by chance.
/// </summary>
internal static class StickyPayloads
{
    public const string Feature = "checkout";
    public const string ExperimentKey = "checkout-exp";

    /// <summary>The payload with the given weights and, optionally, a targeting condition on the experiment.</summary>
    public static string Checkout(double controlWeight, double treatmentWeight, string? requiredCountry = null)
    {
        var rule = new JsonObject
        {
            ["key"] = ExperimentKey,
            ["seed"] = ExperimentKey,
            ["hashVersion"] = 2,
            ["hashAttribute"] = "id",
            ["fallbackAttribute"] = "deviceId",
            ["bucketVersion"] = 0,
            ["variations"] = new JsonArray("control", "treatment"),
            ["weights"] = new JsonArray(controlWeight, treatmentWeight),
            ["coverage"] = 1,
            ["meta"] = new JsonArray(new JsonObject { ["key"] = "0" }, new JsonObject { ["key"] = "1" }),
        };
        if (requiredCountry is not null)
        {
            rule["condition"] = new JsonObject { ["country"] = requiredCountry };
        }

        var features = new JsonObject
        {
            [Feature] = new JsonObject { ["defaultValue"] = "none", ["rules"] = new JsonArray(rule) },
        };
        return TestPayloads.WithFeatures("2024-01-01T00:00:00Z", features);
    }

    /// <summary>Everyone in control.</summary>
    public static string AllControl => Checkout(1, 0);

    /// <summary>Everyone in treatment: a user still in control is sticky.</summary>
    public static string AllTreatment => Checkout(0, 1);

    /// <summary>A user with an id (and a device id).</summary>
    public static UserContext Visitor(string id, string? deviceId = null, string? country = null)
    {
        var attributes = new Dictionary<string, object?>();
        if (id.Length > 0)
        {
            attributes["id"] = id;
        }

        if (deviceId is not null)
        {
            attributes["deviceId"] = deviceId;
        }

        if (country is not null)
        {
            attributes["country"] = country;
        }

        return new UserContext { Attributes = GrowthBookAttributes.From(attributes) };
    }

    /// <summary>An offline client serving a payload, with a sticky-bucket store.</summary>
    public static GrowthBookClient NewClient(string payload, IStickyBucketService? store, Microsoft.Extensions.Logging.ILoggerFactory? logs = null, TimeSpan? timeout = null, TimeProvider? time = null)
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = payload };
        if (timeout is { } t)
        {
            options.StickyBucketTimeout = t;
        }

        return new GrowthBookClient(options, loggerFactory: logs, timeProvider: time, stickyBucketService: store);
    }
}
