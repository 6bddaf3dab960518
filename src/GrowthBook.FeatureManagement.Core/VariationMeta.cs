namespace GrowthBook.FeatureManagement;

/// <summary>Metadata of one experiment variation.</summary>
public sealed record VariationMeta
{
    /// <summary>The variation key reported in results and stored in sticky buckets; defaults to the index.</summary>
    public string? Key { get; init; }

    /// <summary>A human-readable name.</summary>
    public string? Name { get; init; }

    /// <summary>When true, users in this variation are treated as not in the experiment (the feature falls through).</summary>
    public bool Passthrough { get; init; }
}
