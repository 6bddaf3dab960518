using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using static GrowthBook.FeatureManagement.Tests.StickyBucketing.StickyPayloads;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// The circuit breaker around the sticky-bucket store, on a clock the test moves: a failing store is left alone for
/// <see cref="GrowthBookClientOptions.StoreBreakDuration"/> (evaluations answer at once, without stickiness), then one
/// request probes it; once it answers, stickiness resumes — also for user contexts whose load had failed.
/// </summary>
[TestFixture]
public sealed class StickyBucketCircuitTests : ClientTestBase
{
    private const int LoadFailed = 130;
    private const int StoreUnavailable = 110;
    private const int StoreRecovered = 112;

    [Test]
    public async Task AFailingStore_IsLeftAloneForTheBreak_ThenProbed_AndStickinessResumes()
    {
        var store = new SwitchableStickyStore();
        await store.SaveAssignmentsAsync(new StickyAssignmentsDocument("id", "u1", new Dictionary<string, string> { [ExperimentKey + "__0"] = "0" }));
        var time = NewClock();
        var client = Own(NewClient(AllTreatment, store, LoggerFactory, time: time));
        await client.InitializeAsync();
        var breakDuration = new GrowthBookClientOptions().StoreBreakDuration;
        Assert.That((await client.EvalFeatureAsync(Feature, Visitor("u1"))).ExperimentResult!.StickyBucketUsed, Is.True, "sticky while the store is up");
        var reached = store.Calls;

        // Down: two failed loads within a second open the circuit (the success above is outside the window by then).
        time.Advance(TimeSpan.FromSeconds(2));
        store.Down = true;
        var failedContext = Visitor("u1");
        var first = await client.EvalFeatureAsync(Feature, failedContext);
        var second = await client.EvalFeatureAsync(Feature, Visitor("u1"));
        Assert.Multiple(() =>
        {
            Assert.That(first.GetValue(""), Is.EqualTo("treatment"), "the fallback: no stickiness");
            Assert.That(second.ExperimentResult!.StickyBucketUsed, Is.False);
            Assert.That(store.Calls, Is.EqualTo(reached + 2));
            Assert.That(Logs.WithEventId(LoadFailed), Has.Count.EqualTo(2));
            Assert.That(client.StickyBucketCircuit!.IsOpen, Is.True);
            var opened = Logs.WithEventId(StoreUnavailable).Single();
            Assert.That(opened.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(opened.Exception, Does.Contain(typeof(IOException).FullName).And.Contain("message withheld"), "the failure, redacted: the store's message quotes a user id");
        });

        // Open: no request reaches the store or waits for it, for the whole break.
        time.Advance(breakDuration - TimeSpan.FromMilliseconds(1));
        for (var u = 0; u < 50; u++)
        {
            var pending = client.EvalFeatureAsync(Feature, Visitor("other-" + u));
            Assert.That(pending.IsCompletedSuccessfully, Is.True, "answered at once, without waiting for the store");
            Assert.That(pending.Result.GetValue(""), Is.EqualTo("treatment"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(store.Calls, Is.EqualTo(reached + 2), "no call reached the store while the circuit was open");
            Assert.That(Logs.WithEventId(LoadFailed), Has.Count.EqualTo(2), "and nothing more is logged per request");
            Assert.That(Logs.WithEventId(StoreUnavailable), Has.Count.EqualTo(1), "the opening is logged once");
        });

        // The break is over and the store is back: the next request's load probes it (the request itself does not wait
        // for the probe), and the circuit closes.
        store.Down = false;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var prober = Visitor("u1");
        _ = await client.EvalFeatureAsync(Feature, prober);
        await Eventually(() => !client.StickyBucketCircuit!.IsOpen, "the probe to succeed and close the circuit");
        var probed = client.EvalFeature(Feature, prober);
        var recovered = await client.EvalFeatureAsync(Feature, failedContext);
        var fresh = await client.EvalFeatureAsync(Feature, Visitor("u1"));
        Assert.Multiple(() =>
        {
            Assert.That(store.Calls, Is.EqualTo(reached + 5), "one probe, then one load for each of the two user contexts after it");
            Assert.That(probed.ExperimentResult!.StickyBucketUsed, Is.True, "the documents the probe brought serve its user context");
            Assert.That(Logs.WithEventId(StoreRecovered), Has.Count.EqualTo(1), "the closing is logged once");
            Assert.That(recovered.ExperimentResult!.StickyBucketUsed, Is.True, "a user context whose load failed loads again once the store has recovered");
            Assert.That(fresh.GetValue(""), Is.EqualTo("control"));
            Assert.That(fresh.ExperimentResult!.StickyBucketUsed, Is.True);
            Assert.That(store.Documents.Keys, Is.EquivalentTo(new[] { "id||u1" }), "nothing was saved for the users evaluated without the store");
        });
    }

    [Test]
    public async Task AProbeThatFails_OpensTheCircuitAgain_LoggedOnlyAtDebug()
    {
        var store = new SwitchableStickyStore { Down = true };
        var time = NewClock();
        var client = Own(NewClient(AllTreatment, store, LoggerFactory, time: time));
        await client.InitializeAsync();
        var breakDuration = new GrowthBookClientOptions().StoreBreakDuration;
        _ = await client.EvalFeatureAsync(Feature, Visitor("a"));
        _ = await client.EvalFeatureAsync(Feature, Visitor("b"));
        Assert.That(client.StickyBucketCircuit!.IsOpen, Is.True);

        for (var round = 1; round <= 3; round++)
        {
            time.Advance(breakDuration);
            _ = await client.EvalFeatureAsync(Feature, Visitor("probe-" + round)); // its load is the probe; it fails
            await Eventually(() => Logs.WithEventId(111).Count == round, $"round {round}: the failed probe to open the circuit again");
            _ = await client.EvalFeatureAsync(Feature, Visitor("after-" + round)); // kept away again
            Assert.That(store.Calls, Is.EqualTo(2 + round), $"round {round}: one probe per break, nothing else");
        }

        Assert.Multiple(() =>
        {
            Assert.That(Logs.WithEventId(StoreUnavailable), Has.Count.EqualTo(1), "one warning for the whole outage");
            Assert.That(Logs.WithEventId(111).Select(l => l.Level), Is.EqualTo(new[] { LogLevel.Debug, LogLevel.Debug, LogLevel.Debug }), "each failed probe only at Debug");
            Assert.That(Logs.WithEventId(StoreRecovered), Is.Empty);
        });
    }

    [Test]
    public async Task TheHalfOpenProbe_DoesNotHoldUpTheRequestThatCarriesIt()
    {
        var store = new SwitchableStickyStore();
        await store.SaveAssignmentsAsync(new StickyAssignmentsDocument("id", "u1", new Dictionary<string, string> { [ExperimentKey + "__0"] = "0" }));
        store.Down = true;
        var time = NewClock();
        var client = Own(NewClient(AllTreatment, store, LoggerFactory, time: time));
        await client.InitializeAsync();
        _ = await client.EvalFeatureAsync(Feature, Visitor("a"));
        _ = await client.EvalFeatureAsync(Feature, Visitor("b"));
        Assert.That(client.StickyBucketCircuit!.IsOpen, Is.True);

        // The store is back but slow; the break is over: the next request's load is the probe.
        store.Down = false;
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Gate = slow;
        time.Advance(new GrowthBookClientOptions().StoreBreakDuration);
        var user = Visitor("u1");
        var probing = client.EvalFeatureAsync(Feature, user);
        Assert.Multiple(() =>
        {
            Assert.That(probing.IsCompletedSuccessfully, Is.True, "the request answers at once, without stickiness, while its load probes the store");
            Assert.That(probing.Result.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(store.Calls, Is.EqualTo(4), "the probe did reach the store");
        });

        slow.SetResult();
        await Eventually(() => !client.StickyBucketCircuit!.IsOpen, "the probe to succeed and close the circuit");
        var later = client.EvalFeature(Feature, user);
        Assert.Multiple(() =>
        {
            Assert.That(later.GetValue(""), Is.EqualTo("control"), "the documents the probe brought serve the same user context's later calls");
            Assert.That(later.ExperimentResult!.StickyBucketUsed, Is.True);
        });
    }
}
