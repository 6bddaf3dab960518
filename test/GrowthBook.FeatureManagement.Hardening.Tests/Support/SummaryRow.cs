namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>One line of the hardening summary: what was tried, how often, how many failed, and the scenario's figure.</summary>
internal sealed record SummaryRow(string Scenario, long Iterations, long Failures, string Figure, TimeSpan Elapsed);
