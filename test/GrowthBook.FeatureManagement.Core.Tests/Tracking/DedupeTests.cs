using GrowthBook.FeatureManagement.Client;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>Exposure dedupe: hash attribute + hash value + experiment key + variation id, in a bounded LRU set.</summary>
[TestFixture]
public sealed class DedupeTests : ClientTestBase
{
    [Test]
    public void BoundedSet_ForgetsTheLeastRecentlyUsedKeyFirst()
    {
        var set = new BoundedSet(3);
        Assert.Multiple(() =>
        {
            Assert.That(set.Add("a") && set.Add("b") && set.Add("c"), Is.True);
            Assert.That(set.Add("a"), Is.False, "already there: it becomes the most recent");
            Assert.That(set.Add("d"), Is.True, "over capacity: 'b', the least recently used, is forgotten");
            Assert.That(set.Count, Is.EqualTo(3));
            Assert.That(set.Add("a"), Is.False, "'a' was refreshed, so it survived");
            Assert.That(set.Add("c"), Is.False);
            Assert.That(set.Add("b"), Is.True, "'b' was forgotten, so it counts as new (and now 'd' goes)");
            Assert.That(set.Add("d"), Is.True);
        });
    }

    [Test]
    public async Task AUserIsTrackedAgain_OnlyAfterFallingOutOfTheSet()
    {
        var tracked = new List<string>();
        var options = TrackingFixtures.Options();
        options.TrackingDedupeCapacity = 3;
        options.OnExperimentViewed = (_, r, u) => tracked.Add(u.Attributes.TryGetValue("id", out var id) ? id.GetString()! : "");
        var client = Own(new GrowthBookClient(options, loggerFactory: LoggerFactory));
        await client.InitializeAsync();
        foreach (var id in new[] { "a", "a", "b", "c", "a", "d", "a", "b" })
        {
            client.Run(TrackingFixtures.Inline, TrackingFixtures.User(id));
        }

        // a b c tracked; a refreshed; d evicts b; a still known; b is new again.
        Assert.That(tracked, Is.EqualTo(new[] { "a", "b", "c", "d", "b" }));
    }

    [Test]
    public async Task OneMillionDistinctUsers_MemoryStaysBounded()
    {
        const int users = 1_000_000;
        const int capacity = 10_000;
        long tracked = 0;
        var options = TrackingFixtures.Options();
        options.TrackingDedupeCapacity = capacity;
        options.OnExperimentViewed = (_, _, _) => Interlocked.Increment(ref tracked);
        var client = Own(new GrowthBookClient(options, loggerFactory: LoggerFactory));
        await client.InitializeAsync();

        long afterWarmUp = 0;
        for (var i = 0; i < users; i++)
        {
            client.Run(TrackingFixtures.Inline, new UserContext { Attributes = GrowthBookAttributes.From([new("id", "user-" + i)]) });
            if (i == 2 * capacity)
            {
                afterWarmUp = GC.GetTotalMemory(forceFullCollection: true); // the set is full from here on
            }
        }

        var atEnd = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Multiple(() =>
        {
            Assert.That(Interlocked.Read(ref tracked), Is.EqualTo(users), "every user is new, so every one is tracked");
            Assert.That(client.TrackedExposures.Count, Is.EqualTo(capacity), "the set holds at most its capacity");
            Assert.That(atEnd - afterWarmUp, Is.LessThan(8L * 1024 * 1024), $"memory grew by {(atEnd - afterWarmUp) / 1024} KiB over {users - (2 * capacity)} more users");
        });
    }
}
