namespace GrowthBook.FeatureManagement;

/// <summary>A bucket range <c>[Start, End)</c> of the hash space [0, 1).</summary>
/// <param name="Start">Inclusive start.</param>
/// <param name="End">Exclusive end.</param>
public readonly record struct BucketRange(double Start, double End);
