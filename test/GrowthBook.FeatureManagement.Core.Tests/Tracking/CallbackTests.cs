using System.Collections.Concurrent;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>Experiment-viewed and feature-usage callbacks, sync and async, on the client and on scopes.</summary>
[TestFixture]
public sealed class CallbackTests : ClientTestBase
{
    private const int CallbackFailedEvent = 220;

    [Test]
    public async Task ClientCallbacks_SyncAndAsync_GetExperimentResultAndUser_AsyncNeverAwaitedByEvaluation()
    {
        var sync = new ConcurrentQueue<(string Experiment, string Variation, string User)>();
        var async = new ConcurrentQueue<(string Experiment, string Variation, string User)>();
        var usage = new ConcurrentQueue<(string Key, string User)>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TrackingFixtures.Options();
        options.OnExperimentViewed = (e, r, u) => sync.Enqueue((e.Key, r.Key, u.Attributes.TryGetValue("id", out var id) ? id.GetString()! : ""));
        options.OnExperimentViewedAsync = async (e, r, u, ct) =>
        {
            await release.Task.WaitAsync(ct); // blocked until the test has seen evaluation return
            async.Enqueue((e.Key, r.Key, u.Attributes.TryGetValue("id", out var id) ? id.GetString()! : ""));
        };
        options.OnFeatureUsageAsync = (key, result, u, ct) =>
        {
            usage.Enqueue((key, u.Attributes.TryGetValue("id", out var id) ? id.GetString()! : ""));
            return ValueTask.CompletedTask;
        };
        var client = Own(new GrowthBookClient(options, loggerFactory: LoggerFactory));
        await client.InitializeAsync();

        for (var round = 0; round < 3; round++)
        {
            foreach (var id in new[] { "u1", "u2", "u3" })
            {
                client.EvalFeature("checkout", TrackingFixtures.User(id));
            }
        }

        Assert.That(async, Is.Empty, "the async callback is still blocked: evaluation did not wait for it");
        release.SetResult();
        await client.FlushAsync();
        var expected = new[] { "u1", "u2", "u3" }.Select(id => ("checkout-exp", new GrowthBookScope(client.Payload, TrackingFixtures.User(id)).EvalFeature("checkout").ExperimentResult!.Key, id)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sync, Is.EquivalentTo(expected), "once per user, experiment and variation");
            Assert.That(async, Is.EquivalentTo(expected), "the async callback has the same dedupe");
            Assert.That(usage.Count(u => u.Key == "checkout"), Is.EqualTo(9), "every evaluation (3 rounds × 3 users), in the background");
        });
    }

    [Test]
    public async Task ScopeCallbacks_SyncAndAsync_WithAndWithoutClient()
    {
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory));
        await client.InitializeAsync();
        foreach (var scope in new[] { client.CreateScope(TrackingFixtures.User("s1")), new GrowthBookScope(client.Payload, TrackingFixtures.User("s1")) })
        {
            var sync = new ConcurrentQueue<string>();
            var async = new ConcurrentQueue<string>();
            var usage = new ConcurrentQueue<string>();
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            scope.OnExperimentViewed = (e, r) => sync.Enqueue(e.Key + ":" + r.Key);
            scope.OnExperimentViewedAsync = async (e, r, ct) =>
            {
                await release.Task;
                async.Enqueue(e.Key + ":" + r.Key);
            };
            scope.OnFeatureUsageAsync = (key, r, ct) =>
            {
                usage.Enqueue(key);
                return ValueTask.CompletedTask;
            };

            scope.EvalFeature("checkout");
            scope.EvalFeature("checkout");
            scope.Run(TrackingFixtures.Inline);
            Assert.That(async, Is.Empty, "evaluation returned before the async callback ran to its end");
            release.SetResult();
            await Eventually(() => async.Count == 2 && usage.Count == 2, "the async callbacks to run in the background");
            Assert.Multiple(() =>
            {
                Assert.That(sync.Select(s => s.Split(':')[0]), Is.EquivalentTo(new[] { "checkout-exp", "inline-exp" }));
                Assert.That(async, Is.EquivalentTo(sync));
                Assert.That(usage, Is.EqualTo(new[] { "checkout", "checkout" }));
            });
        }
    }

    [Test]
    public async Task ThrowingCallbacks_AreLogged_AndEvaluationGoesOn()
    {
        var options = TrackingFixtures.Options();
        options.OnExperimentViewed = (_, _, _) => throw new InvalidOperationException("sync exposure callback bug");
        options.OnFeatureUsage = (_, _, _) => throw new InvalidOperationException("sync usage callback bug");
        options.OnExperimentViewedAsync = (_, _, _, _) => throw new InvalidOperationException("async exposure callback bug");
        options.OnFeatureUsageAsync = async (_, _, _, ct) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async usage callback bug");
        };
        var client = Own(new GrowthBookClient(options, loggerFactory: LoggerFactory));
        await client.InitializeAsync();
        using var scope = client.CreateScope(TrackingFixtures.User("t1"));
        scope.OnExperimentViewed = (_, _) => throw new InvalidOperationException("scope callback bug");

        var value = client.GetFeatureValue("checkout", "none", TrackingFixtures.User("t1"));
        var scoped = scope.GetFeatureValue("checkout", "none");
        await client.FlushAsync();

        var failures = Logs.WithEventId(CallbackFailedEvent);
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.AnyOf("v1", "v2"), "evaluation returned its value");
            Assert.That(scoped, Is.EqualTo(value));
            Assert.That(failures.Select(l => l.Message.Split(' ')[3]).Distinct(), Is.EquivalentTo(new[]
            {
                "OnExperimentViewed", "OnFeatureUsage", "OnExperimentViewedAsync", "OnFeatureUsageAsync",
            }), "each failing callback is logged by name");
            Assert.That(failures, Has.All.Matches<LogLine>(l => l.Exception != null && l.Category == "GrowthBook.Tracking"));
            Assert.That(failures.Count(l => l.Exception!.Contains("scope callback bug", StringComparison.Ordinal)), Is.EqualTo(1), "the scope's callback failure is logged through the client");
        });
    }
}
