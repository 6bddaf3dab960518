using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// <see cref="GrowthBookClient.PayloadChanged"/> handlers run on the client's own worker, after the payload is served
/// and outside any lock: one that blocks for good delays neither later payloads nor any evaluation, and one that calls
/// back into the client does not deadlock it.
/// </summary>
[TestFixture]
public sealed class ChangeNotificationTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));
    private static readonly string V3 = TestPayloads.Flags("2024-01-03T00:00:00Z", ("color", "red"));

    [Test]
    public async Task AHandlerThatBlocksForever_DelaysNeitherLaterPayloadsNorEvaluations()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        await client.InitializeAsync();
        await client.WhenNotifiedAsync();

        using var release = new ManualResetEventSlim();
        var entered = 0;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        client.PayloadChanged += (_, args) =>
        {
            seen.Enqueue(args.Current.DateUpdated);
            Interlocked.Increment(ref entered);
            release.Wait(); // blocks until the end of the test
        };

        try
        {
            server.SetPayload(V2);
            Assert.That(await client.RefreshAsync().WaitAsync(WaitLimit), Is.True);
            await Eventually(() => Volatile.Read(ref entered) == 1, "the handler to be running (and blocked)");

            server.SetPayload(V3);
            var refreshed = await client.RefreshAsync().WaitAsync(WaitLimit);
            var value = client.GetFeatureValue("color", "?", User("u1"));
            var evaluated = await client.EvalFeatureAsync("color", User("u2")).AsTask().WaitAsync(WaitLimit);
            Assert.Multiple(() =>
            {
                Assert.That(refreshed, Is.True, "the next payload was fetched and applied while the handler blocked");
                Assert.That(value, Is.EqualTo("red"), "and evaluations serve it");
                Assert.That(evaluated.GetValue("?"), Is.EqualTo("red"));
                Assert.That(Volatile.Read(ref entered), Is.EqualTo(1), "the next notification waits for the blocked one: they stay in order");
                Assert.That(client.WhenNotifiedAsync().IsCompleted, Is.False);
            });
        }
        finally
        {
            release.Set();
        }

        await client.WhenNotifiedAsync().WaitAsync(WaitLimit);
        Assert.That(seen, Is.EqualTo(new[] { "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z" }), "every change delivered, in order, once the handler returned");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await DisposeAndAssertStoppedAsync(client, server);
        Assert.That(watch.Elapsed, Is.LessThan(WaitLimit));
    }

    [Test]
    public async Task AHandlerAddedAfterAChange_IsNotToldOfIt()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        using var firstLoadRuns = new ManualResetEventSlim();
        var early = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        client.PayloadChanged += (_, args) =>
        {
            early.Enqueue(args.Current.DateUpdated);
            firstLoadRuns.Wait(WaitLimit); // holds the first load's notification until the late handler is subscribed
        };
        await client.InitializeAsync();

        var late = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        client.PayloadChanged += (_, args) => late.Enqueue(args.Current.DateUpdated);
        firstLoadRuns.Set();
        await client.WhenNotifiedAsync().WaitAsync(WaitLimit);
        Assert.Multiple(() =>
        {
            Assert.That(early, Is.EqualTo(new[] { "2024-01-01T00:00:00Z" }), "the first load was announced to the handler subscribed then");
            Assert.That(late, Is.Empty, "a handler added after the change (though before it was announced) is not told of it");
        });

        server.SetPayload(V2);
        Assert.That(await client.RefreshAsync().WaitAsync(WaitLimit), Is.True);
        await client.WhenNotifiedAsync().WaitAsync(WaitLimit);
        Assert.That(late, Is.EqualTo(new[] { "2024-01-02T00:00:00Z" }), "it is told of the next one");
    }

    [Test]
    public async Task DisposeAsync_DoesNotWaitForAHandlerThatNeverReturns()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        using var release = new ManualResetEventSlim();
        var entered = 0;
        client.PayloadChanged += (_, _) =>
        {
            Interlocked.Increment(ref entered);
            release.Wait();
        };

        try
        {
            await client.InitializeAsync();
            await Eventually(() => Volatile.Read(ref entered) == 1, "the handler to be blocked");
            await client.DisposeAsync().AsTask().WaitAsync(WaitLimit);
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public async Task AHandlerThatCallsRefreshAsync_DoesNotDeadlock()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        var results = new System.Collections.Concurrent.ConcurrentQueue<(string? Date, bool Refreshed, string Color)>();
        client.PayloadChanged += (_, args) =>
        {
            if (args.Current.DateUpdated == "2024-01-01T00:00:00Z")
            {
                server.SetPayload(V2);

                // The worst a handler can do: block on the client's own async call.
                var refreshed = client.RefreshAsync().GetAwaiter().GetResult();
                results.Enqueue((args.Current.DateUpdated, refreshed, client.GetFeatureValue("color", "?", UserContext.Anonymous)));
            }
        };

        await client.InitializeAsync().WaitAsync(WaitLimit);
        await Eventually(() => !results.IsEmpty, "the handler's refresh to return");
        await client.WhenNotifiedAsync().WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(results.Single(), Is.EqualTo(("2024-01-01T00:00:00Z", true, "green")), "the refresh inside the handler fetched and applied the next payload");
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
            Assert.That(server.FeatureRequests, Is.EqualTo(2));
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task AHandlerToldOfARecovery_SeesNoError()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var time = NewClock();
        var client = CreateClient(options, time: time);
        await client.InitializeAsync().WaitAsync(WaitLimit);
        server.PersistentFault = new FeaturesFault.Status(503);
        Assert.That(await client.RefreshAsync().WaitAsync(WaitLimit), Is.False);
        Assert.That(client.Status.LastError, Is.Not.Null, "the failed fetch is an error");

        server.PersistentFault = null;
        server.SetPayload(V2);
        time.Advance(TimeSpan.FromSeconds(1));
        var seen = new TaskCompletionSource<(Exception? Status, Exception? Client)>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.PayloadChanged += (_, _) => seen.TrySetResult((client.Status.LastError, client.LastError));
        Assert.That(await client.RefreshAsync().WaitAsync(WaitLimit), Is.True);

        var (status, last) = await seen.Task.WaitAsync(WaitLimit);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.Null, "the payload applied after the error supersedes it, whenever the handler runs");
            Assert.That(last, Is.Null);
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }
}
