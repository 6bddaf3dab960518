using System.Text.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>A prerequisite: feature <see cref="Id"/>'s value must pass <see cref="Condition"/> (tested as <c>{"value": …}</c>).</summary>
public sealed record ParentCondition
{
    /// <summary>The prerequisite feature's key.</summary>
    public required string Id { get; init; }

    /// <summary>The condition on <c>{"value": parentValue}</c>; absent means it always passes.</summary>
    public JsonElement? Condition { get; init; }

    /// <summary>When true a failure blocks the whole feature (source <see cref="FeatureSource.Prerequisite"/>); otherwise only this rule is skipped.</summary>
    public bool Gate { get; init; }
}
