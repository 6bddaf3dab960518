namespace RazorPagesDemo.Demo;

/// <summary>One line of the feature panel: how a feature evaluates for the current visitor.</summary>
/// <param name="Key">The feature key.</param>
/// <param name="Value">The value, as JSON.</param>
/// <param name="On">Whether the value is truthy.</param>
/// <param name="Source">Where the value came from (<c>defaultValue</c>, <c>force</c>, <c>experiment</c>, ...).</param>
/// <param name="RuleId">The rule that gave the value, or empty.</param>
/// <param name="Variation">For an experiment value: the variation key and name, and whether a sticky bucket gave it.</param>
public sealed record FeatureRow(string Key, string Value, bool On, string Source, string RuleId, string? Variation);
