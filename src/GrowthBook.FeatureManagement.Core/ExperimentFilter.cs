namespace GrowthBook.FeatureManagement;

/// <summary>A hash filter that limits who can enter an experiment or rule (GrowthBook's <c>filters</c>).</summary>
public sealed record ExperimentFilter
{
    /// <summary>The attribute hashed; defaults to <c>id</c>.</summary>
    public string? Attribute { get; init; }

    /// <summary>The hash seed.</summary>
    public required string Seed { get; init; }

    /// <summary>The hash version; defaults to 2.</summary>
    public int? HashVersion { get; init; }

    /// <summary>Users whose hash falls in any of these ranges pass the filter.</summary>
    public required IReadOnlyList<BucketRange> Ranges { get; init; }
}
