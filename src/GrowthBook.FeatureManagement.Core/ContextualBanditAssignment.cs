using System.Text.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>The contextual-bandit leaf a user matched, with the weights it gave (spec 0.8.0).</summary>
public sealed record ContextualBanditAssignment
{
    /// <summary>The matched leaf's id, or -1 when no leaf matched and the rule's own weights were used.</summary>
    public required int LeafId { get; init; }

    /// <summary>The variation weights used for this user.</summary>
    public required IReadOnlyList<double> VariationWeights { get; init; }

    /// <summary>The bandit's version from the payload, when it has one.</summary>
    public JsonElement? BanditVersion { get; init; }
}
