namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// What the next payload needs to know of a compiled feature to reuse it without reading it, or even looking at it: the
/// length and a 64-bit hash (XxHash3, seeded at random per process) of the feature's member in the text — its key and
/// its value — and what else its compiled form depends on. A payload keeps these in an array beside its features, so
/// an update reads them in order instead of visiting every feature's objects.
/// </summary>
/// <param name="Fingerprint">The hash of the member's text, from the key's opening quote to the value's end.</param>
/// <param name="Length">The member's length in bytes.</param>
/// <param name="ReadsSavedGroups">Its conditions read the payload's saved groups: it can be reused only with them.</param>
/// <param name="ReadsBandits">A rule names a contextual bandit: it can be reused only with the same bandits.</param>
/// <param name="RunsExperiments">A rule runs an experiment (whose hash attributes sticky bucketing looks documents up for).</param>
internal readonly record struct FeatureStamp(ulong Fingerprint, int Length, bool ReadsSavedGroups, bool ReadsBandits, bool RunsExperiments);
