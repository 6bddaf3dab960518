using System.ComponentModel.DataAnnotations;
using GrowthBook.FeatureManagement.Validation;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>Settings of the stored sticky-bucket services (<see cref="DistributedCacheStickyBucketService"/>, the Redis store).</summary>
public sealed class StickyBucketStoreOptions
{
    /// <summary>GrowthBook's key prefix; a document's key is the prefix + <c>attributeName||attributeValue</c>.</summary>
    public const string DefaultKeyPrefix = "gbStickyBuckets__";

    /// <summary>Prepended to every document key. Default <c>gbStickyBuckets__</c>, as GrowthBook's own stores use.</summary>
    [Required(AllowEmptyStrings = true, ErrorMessage = "StickyBucketStoreOptions.KeyPrefix must not be null (it may be empty).")]
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>
    /// How long a document is kept after its last save (with <see cref="DistributedCacheStickyBucketService"/>, a sliding
    /// expiration: after its last read or save); null (the default) keeps it until it is deleted. Set it so documents of
    /// users who never come back do not pile up: longer than your longest experiment.
    /// </summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "StickyBucketStoreOptions.TimeToLive must be positive, or null for no expiry.")]
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>The full key of a document.</summary>
    public string KeyOf(string attributeName, string attributeValue) => KeyPrefix + StickyAssignmentsDocument.GetKey(attributeName, attributeValue);

    /// <summary>Throws when a setting is invalid (the same rules the stores check when built, and DI checks at start).</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names every invalid setting.</exception>
    public void Validate() => OptionsValidation.ThrowIfInvalid(new StickyBucketStoreOptionsValidator(), this, "options");
}

/// <summary>The generated validator of <see cref="StickyBucketStoreOptions"/>' data annotations.</summary>
[OptionsValidator]
internal sealed partial class StickyBucketStoreOptionsValidator : IValidateOptions<StickyBucketStoreOptions>;
