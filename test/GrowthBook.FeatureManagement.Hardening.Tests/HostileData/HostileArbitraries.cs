using FsCheck;
using FsCheck.Fluent;

namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>The FsCheck arbitraries of the hostile-data properties.</summary>
public static class HostileArbitraries
{
    /// <summary>Conditions built from every operator.</summary>
    public static Arbitrary<HostileCondition> Conditions() => Arb.From(HostileJson.Condition.Select(json => new HostileCondition(json)));

    /// <summary>Attribute objects with values of every JSON type.</summary>
    public static Arbitrary<HostileAttributes> Attributes() => Arb.From(HostileJson.Attributes.Select(json => new HostileAttributes(json)));

    /// <summary>Payload-shaped documents with members of the wrong type, or any JSON at all.</summary>
    public static Arbitrary<HostilePayload> Payloads() => Arb.From(HostileJson.Payload.Select(json => new HostilePayload(json)));
}
