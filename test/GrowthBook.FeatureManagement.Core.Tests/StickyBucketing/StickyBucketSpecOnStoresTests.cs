using GrowthBook.FeatureManagement.Tests.Spec;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// The spec's <c>stickyBucket</c> cases (run on the in-memory store by <see cref="SpecTests"/>) on every other store:
/// <see cref="DistributedCacheStickyBucketService"/> and <see cref="RedisStickyBucketService"/> over a real Redis, and
/// the cookie store with a real cookie round trip. Not in the Spec category, which stays the suite itself.
/// </summary>
[TestFixture]
public sealed class StickyBucketSpecOnStoresTests
{
    [TestCaseSource(nameof(Cases))]
    public Task StickyBucket(SpecCase c, StickyStore store) => SpecTests.StickyBucketOn(c, store);

    private static IEnumerable<TestCaseData> Cases()
        => SpecCases.For("stickyBucket").SelectMany(data => new[] { StickyStore.DistributedCacheOverRedis, StickyStore.Redis, StickyStore.Cookie }
            .Select(store => new TestCaseData(data.Arguments[0], store).SetName($"{data.TestName} [{store}]")));
}
