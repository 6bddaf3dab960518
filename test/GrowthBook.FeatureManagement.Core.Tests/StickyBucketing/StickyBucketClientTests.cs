using System.Diagnostics;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using static GrowthBook.FeatureManagement.Tests.StickyBucketing.StickyPayloads;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// The shared client with a sticky-bucket store: users keep their variation when weights or targeting change, the
/// store is read once per user context, sync calls never wait for it, and a failing or hanging store only costs
/// stickiness (logged without user values), never an exception or an unbounded wait.
/// </summary>
[TestFixture]
public sealed class StickyBucketClientTests : ClientTestBase
{
    [Test]
    public async Task EvalFeatureAsync_KeepsAUsersVariation_AfterTheWeightsChange()
    {
        var store = new CountingStickyStore();
        var before = await StartAsync(AllControl, store);
        var first = await before.EvalFeatureAsync(Feature, Visitor("u1"));
        await before.DisposeAsync(); // saves are flushed on disposal

        var after = await StartAsync(AllTreatment, store);
        var again = await after.EvalFeatureAsync(Feature, Visitor("u1"));
        var newcomer = await after.EvalFeatureAsync(Feature, Visitor("u2"));

        Assert.Multiple(() =>
        {
            Assert.That(first.GetValue(""), Is.EqualTo("control"));
            Assert.That(first.ExperimentResult!.StickyBucketUsed, Is.False);
            Assert.That(store.Documents.Keys, Is.EquivalentTo(new[] { "id||u1", "id||u2" }));
            Assert.That(again.GetValue(""), Is.EqualTo("control"), "the stored assignment wins over the new weights");
            Assert.That(again.ExperimentResult!.StickyBucketUsed, Is.True);
            Assert.That(newcomer.GetValue(""), Is.EqualTo("treatment"), "a new user follows the new weights");
            Assert.That(store.Documents["id||u1"].Assignments, Is.EquivalentTo(new Dictionary<string, string> { [ExperimentKey + "__0"] = "0" }));
        });
    }

    [Test]
    public async Task AUserKeepsTheVariation_AfterTheTargetingExcludesThem()
    {
        var store = new CountingStickyStore();
        var before = await StartAsync(AllControl, store);
        Assert.That((await before.EvalFeatureAsync(Feature, Visitor("u1", country: "FR"))).GetValue(""), Is.EqualTo("control"));
        await before.DisposeAsync();

        var after = await StartAsync(Checkout(1, 0, requiredCountry: "NZ"), store);
        Assert.Multiple(async () =>
        {
            Assert.That((await after.EvalFeatureAsync(Feature, Visitor("u1", country: "FR"))).GetValue(""), Is.EqualTo("control"), "enrolled before the change: stays");
            Assert.That((await after.EvalFeatureAsync(Feature, Visitor("u2", country: "FR"))).GetValue(""), Is.EqualTo("none"), "not enrolled before: targeting applies");
        });
    }

    [Test]
    public async Task SyncCalls_NeverReadTheStore_AndAreStickyOnceTheUserIsLoaded()
    {
        var store = new CountingStickyStore();
        await store.SaveAssignmentsAsync(new StickyAssignmentsDocument("id", "u1", new Dictionary<string, string> { [ExperimentKey + "__0"] = "0" }));
        var client = await StartAsync(AllTreatment, store);
        var user = Visitor("u1");

        var unloaded = client.EvalFeature(Feature, user);
        Assert.Multiple(() =>
        {
            Assert.That(unloaded.GetValue(""), Is.EqualTo("treatment"), "without the documents the new weights decide");
            Assert.That(store.GetAlls + store.Gets, Is.Zero, "a sync call does not read the store");
            Assert.That(store.Saves, Is.EqualTo(1), "the seeded document only: a call without stickiness saves nothing");
        });

        Assert.That(await client.LoadStickyBucketsAsync(user), Is.True);
        using var scope = client.CreateScope(user);
        Assert.Multiple(() =>
        {
            Assert.That(client.EvalFeature(Feature, user).GetValue(""), Is.EqualTo("control"));
            Assert.That(client.GetFeatureValue(Feature, "", user), Is.EqualTo("control"));
            Assert.That(scope.GetFeatureValue(Feature, ""), Is.EqualTo("control"));
            Assert.That(client.EvalFeature(Feature, Visitor("u1")).GetValue(""), Is.EqualTo("treatment"), "another UserContext instance is not loaded");
            Assert.That(store.GetAlls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TheStoreIsReadOnce_PerUserContext_ForEveryStickyAttributeAtOnce()
    {
        var store = new CountingStickyStore();
        var client = await StartAsync(AllControl, store);
        var user = Visitor("u1", deviceId: "d1");

        for (var i = 0; i < 5; i++)
        {
            await client.EvalFeatureAsync(Feature, user);
        }

        using var scope = await client.CreateScopeAsync(user);
        scope.EvalFeature(Feature);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.EvalFeatureAsync(Feature, user).AsTask()));

        Assert.Multiple(() =>
        {
            Assert.That(store.GetAlls, Is.EqualTo(1), "one GetAll for the user context");
            Assert.That(store.Gets, Is.Zero);
            Assert.That(store.LastQuery, Is.EquivalentTo(new Dictionary<string, string> { ["id"] = "u1", ["deviceId"] = "d1" }), "the hash and the fallback attribute in one call");
            Assert.That(store.Saves, Is.EqualTo(1), "one new assignment, saved once");
        });

        await client.EvalFeatureAsync(Feature, Visitor("u1", deviceId: "d1"));
        Assert.That(store.GetAlls, Is.EqualTo(2), "a new user context reads again");
    }

    [Test]
    public async Task ConcurrentFirstCalls_ForOneUserContext_ShareOneRead()
    {
        var store = new CountingStickyStore { Delay = TimeSpan.FromMilliseconds(100) };
        var client = await StartAsync(AllControl, store);
        var user = Visitor("u1");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => client.EvalFeatureAsync(Feature, user).AsTask())));

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.GetValue("")), Is.All.EqualTo("control"));
            Assert.That(store.GetAlls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AUserWithoutStickyAttributes_CostsNoStoreCall()
    {
        var store = new CountingStickyStore();
        var client = await StartAsync(AllControl, store);

        var result = await client.EvalFeatureAsync(Feature, Visitor(""));

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("none"), "no hash attribute: not in the experiment");
            Assert.That(store.GetAlls + store.Gets + store.Saves, Is.Zero);
        });
    }

    [Test]
    public async Task AThrowingStore_EvaluatesWithoutStickiness_LogsWithoutUserValues_AndNeverThrows()
    {
        var store = new ThrowingStickyStore();
        var client = await StartAsync(AllTreatment, store);
        var id = Secret("user-" + Guid.NewGuid().ToString("N"));
        var user = Visitor(id);

        var result = await client.EvalFeatureAsync(Feature, user);
        using var scope = await client.CreateScopeAsync(Visitor(id));
        var scoped = scope.EvalFeature(Feature);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(result.ExperimentResult!.StickyBucketUsed, Is.False);
            Assert.That(scoped.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(Logs.WithEventId(130), Has.Count.EqualTo(2), "one failed load per user context");
            Assert.That(Logs.WithEventId(130)[0].Message, Does.Contain(nameof(ThrowingStickyStore)));
            Assert.That(Logs.WithEventId(130)[0].Exception, Does.Contain(typeof(InvalidOperationException).FullName).And.Contain("message withheld"),
                "the exception is logged with its type and stack, its message (which quotes the user's key) withheld");
            Assert.That(store.Calls, Is.EqualTo(2), "no save after a failed load: the stored assignment is not overwritten");
        });
    }

    [Test]
    public async Task AHangingStore_IsGivenUpOnAfterTheTimeout_OncePerUserContext()
    {
        var store = new HangingStickyStore();
        var timeout = TimeSpan.FromMilliseconds(200);
        var time = NewClock();
        var client = await StartAsync(AllTreatment, store, timeout, time);
        var user = Visitor(Secret("user-" + Guid.NewGuid().ToString("N")));

        var pending = client.EvalFeatureAsync(Feature, user).AsTask();
        await Eventually(() => store.Calls == 1, "the load to reach the store");
        time.Advance(timeout - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        Assert.That(pending.IsCompleted, Is.False, "the evaluation waits for the store, up to the timeout");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await pending.WaitAsync(WaitLimit);
        var second = client.EvalFeatureAsync(Feature, user);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(second.IsCompletedSuccessfully, Is.True, "the same user context does not wait again");
            Assert.That(second.Result.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(Logs.WithEventId(131), Has.Count.EqualTo(1));
            Assert.That(store.Calls, Is.EqualTo(1));
        });

        var watch = Stopwatch.StartNew();
        await client.DisposeAsync();
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "nothing left to flush: disposal does not wait for the hung store");
    }

    [Test]
    public async Task AFailingSave_IsLogged_AndTheUserStillGetsTheirVariation()
    {
        var client = await StartAsync(AllControl, new ReadOnlyStickyStore());
        var user = Visitor(Secret("user-" + Guid.NewGuid().ToString("N")));

        var result = await client.EvalFeatureAsync(Feature, user);
        await client.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("control"));
            Assert.That(Logs.WithEventId(132), Has.Count.EqualTo(1));
            Assert.That(Logs.WithEventId(132)[0].Exception, Does.Contain(typeof(IOException).FullName));
        });
    }

    [Test]
    public async Task AScopesOwnStore_ThatFailsToSave_IsLogged_NeverSwallowedNorThrown()
    {
        var id = Secret("user-" + Guid.NewGuid().ToString("N"));
        using var scope = new GrowthBookScope(GrowthBookPayload.Parse(AllControl), Visitor(id)) { Logger = LoggerFactory.CreateLogger("test") };
        await scope.LoadStickyBucketsAsync(new ReadOnlyStickyStore());

        var result = scope.EvalFeature(Feature); // assigns, and saves in the background
        await scope.FlushStickyBucketSavesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("control"));
            Assert.That(scope.GetStickyBucketAssignmentDocs().Keys, Is.EquivalentTo(new[] { "id||" + id }), "the assignment stays in the scope's documents");
            var failed = Logs.WithEventId(132).Single();
            Assert.That(failed.Message, Does.Contain(nameof(ReadOnlyStickyStore)));
            Assert.That(failed.Exception, Does.Contain(typeof(IOException).FullName).And.Contain("message withheld"), "logged with the exception, its message (which quotes the key) withheld");
        });
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void ANonPositiveStickyBucketTimeout_IsRejected(int milliseconds)
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = AllControl, StickyBucketTimeout = TimeSpan.FromMilliseconds(milliseconds) };
        Assert.That(options.Validate(), Has.Some.Contains("StickyBucketTimeout"));
        Assert.That(() => new GrowthBookClient(options), Throws.ArgumentException.With.Message.Contains("StickyBucketTimeout"));
    }

    private async Task<GrowthBookClient> StartAsync(string payload, IStickyBucketService store, TimeSpan? timeout = null, TimeProvider? time = null)
    {
        var client = Own(NewClient(payload, store, LoggerFactory, timeout, time));
        await client.InitializeAsync();
        return client;
    }
}
