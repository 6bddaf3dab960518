namespace GrowthBook.FeatureManagement;

/// <summary>
/// A mutually exclusive namespace: users whose namespace hash falls in <c>[Start, End)</c> of namespace
/// <see cref="Id"/> are eligible (GrowthBook's <c>[id, start, end]</c> tuple).
/// </summary>
/// <param name="Id">The namespace id.</param>
/// <param name="Start">Inclusive start of the eligible range.</param>
/// <param name="End">Exclusive end of the eligible range.</param>
public sealed record Namespace(string Id, double Start, double End);
