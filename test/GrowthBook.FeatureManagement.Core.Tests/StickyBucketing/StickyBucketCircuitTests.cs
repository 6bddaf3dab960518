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

        // The break is over and the store is back: the next request probes it, and the circuit closes.
        store.Down = false;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = await client.EvalFeatureAsync(Feature, Visitor("u1"));
        var recovered = await client.EvalFeatureAsync(Feature, failedContext);
        Assert.Multiple(() =>
        {
            Assert.That(probe.GetValue(""), Is.EqualTo("control"));
            Assert.That(probe.ExperimentResult!.StickyBucketUsed, Is.True, "the probe itself is sticky");
            Assert.That(client.StickyBucketCircuit!.IsOpen, Is.False);
            Assert.That(Logs.WithEventId(StoreRecovered), Has.Count.EqualTo(1), "the closing is logged once");
            Assert.That(recovered.ExperimentResult!.StickyBucketUsed, Is.True, "a user context whose load failed loads again once the store has recovered");
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
            _ = await client.EvalFeatureAsync(Feature, Visitor("probe-" + round)); // the probe fails
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
}
