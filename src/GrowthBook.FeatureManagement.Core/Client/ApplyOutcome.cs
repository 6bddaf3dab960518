namespace GrowthBook.FeatureManagement.Client;

/// <summary>What <see cref="PayloadStore.Apply"/> did with a payload.</summary>
internal enum ApplyOutcome
{
    /// <summary>It is now served; a change notification was queued.</summary>
    Applied,

    /// <summary>It is the payload already served (same bytes or same <c>dateUpdated</c>): only its freshness, source and ETag were renewed.</summary>
    Unchanged,

    /// <summary>It is older than the payload served (or a bootstrap behind the API's payload): ignored.</summary>
    Outdated,

    /// <summary>It could not be used (invalid JSON, undecryptable): ignored, one error logged.</summary>
    Rejected,
}
