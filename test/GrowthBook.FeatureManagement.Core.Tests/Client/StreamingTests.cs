using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// Server-sent events on <c>/sub/{clientKey}</c> against a real Kestrel server, with the client's clock in the test's
/// hands: updates applied, every (re)connection followed by one conditional fetch, <c>Last-Event-ID</c> sent back,
/// any bytes (comment keep-alives included) counted as liveness, oversized events refused, loops stopped.
/// </summary>
[TestFixture]
public sealed class StreamingTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));
    private static readonly string V3 = TestPayloads.Flags("2024-01-03T00:00:00Z", ("color", "red"));

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private const int StreamLostEvent = 105;

    [Test]
    public async Task SseUpdate_IsApplied_WhenTheApiAnnouncesStreaming()
    {
        var server = await StartServerAsync(V1);
        server.SseSupport = true;
        var options = OptionsFor(server);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        var changes = new ChangeCounter(client);

        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));
        await Eventually(() => server.ActiveSubscribers == 1 && server.FeatureRequests == 2 && server.InFlight == 0, "x-sse-support: enabled to make the client open /sub/, then fetch once");

        server.PushPayload(V2);
        await Eventually(() => Value(client, "color") == "green" && changes.BothAtLeast(2), "the pushed payload to be applied (and announced)");

        // While the stream is up, stale reads do not revalidate. (Past the cache TTL, short of the stream's 90 s idle
        // timeout: a stream silent for longer is dropped, which is another test.)
        time.Advance(options.CacheTtl + TimeSpan.FromSeconds(20));
        for (var i = 0; i < 20; i++)
        {
            _ = Value(client, "color");
        }

        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Stream));
            Assert.That(client.Status.Stream, Is.EqualTo(StreamState.Connected));
            Assert.That(client.IsPayloadFresh, Is.True, "a connected stream keeps the payload current");
            Assert.That(client.Status.IsRefreshing, Is.False);
            Assert.That(server.FeatureRequests, Is.EqualTo(2), "the first fetch and the one after the connection: the stream replaces revalidation on read");
            Assert.That(server.NotModifiedResponses, Is.EqualTo(1), "the fetch after connecting found nothing new: a 304");
            Assert.That(server.SubConnections, Is.EqualTo(1));
            Assert.That(changes.Events, Is.EqualTo(2));
            Assert.That(changes.Tokens, Is.EqualTo(2));
            Assert.That(changes.Changes.Last().Source, Is.EqualTo(PayloadSource.Stream));
        });

        // The same payload again (a reconnecting proxy may resend it) is not a change.
        var offers = Logs.WithEventId(101).Count;
        server.PushPayload(V2);
        await Eventually(() => Logs.WithEventId(101).Count > offers, "the resent payload to be seen as unchanged");
        await changes.SettledAsync();
        Assert.That(changes.Events, Is.EqualTo(2));

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task EveryReconnection_IsFollowedByOneFetch_WhateverTheBackoff_AndSendsLastEventId()
    {
        var server = await StartServerAsync(V1);
        var time = NewClock();
        var client = await StreamingClientAsync(server, time);
        server.PushPayload(V2); // event id 1
        await Eventually(() => Value(client, "color") == "green", "the pushed payload");

        // The stream goes down, and the fetch made meanwhile fails: the backoff that follows must not cost the fetch
        // after the reconnection. While the stream is down, V3 is published (no event reaches the client).
        server.PersistentFault = new FeaturesFault.Status(503);
        server.EndStreams();
        await Eventually(() => client.Status.Stream == StreamState.Reconnecting && server.FeatureResponses.Any(r => r.Status == 503), "the stream to be lost and the fetch meanwhile to fail");
        server.PersistentFault = null;
        server.SetPayload(V3);
        await AdvanceUntil(time, () => server.ActiveSubscribers == 1 && Value(client, "color") == "red", "the reconnection and the fetch after it", Step, holdWhile: () => client.Status.IsRefreshing);

        var arrivals = server.Arrivals;
        Assert.Multiple(() =>
        {
            Assert.That(server.LastEventIds, Is.EqualTo(new string?[] { null, "1" }), "the reconnection sends the last event id");
            Assert.That(arrivals.Count(a => a == "sub"), Is.EqualTo(2));
            Assert.That(arrivals[^1], Is.EqualTo("features"), "a fetch follows the reconnection");
            Assert.That(arrivals.Skip(arrivals.ToList().LastIndexOf("sub")).Count(a => a == "features"), Is.EqualTo(1), "one fetch per reconnection");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(client.Status.Stream, Is.EqualTo(StreamState.Connected));
            Assert.That(client.LastError, Is.Null, "healthy again");
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task AQuietStream_KeptAliveWithCommentLines_For10Minutes_IsNeitherDroppedNorStale()
    {
        var server = await StartServerAsync(V1);
        server.SseSupport = true;
        var options = OptionsFor(server);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1 && client.Status.Stream == StreamState.Connected && server.FeatureRequests == 2 && server.InFlight == 0 && !client.Status.IsRefreshing,
            "the stream to open, and the fetch after it to land (the clock must not move while a request is out: its timeout runs on it)");
        var health = new GrowthBookHealthCheck(client, time);

        // Ten minutes of `: ping` every 30 s and nothing else: SseParser never sees an item.
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            server.SendComment();
            var now = time.GetUtcNow();
            await Eventually(() => client.Status.LastContactAt == now, "the client to see the keep-alive");
        }

        var result = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Multiple(() =>
        {
            Assert.That(server.SubConnections, Is.EqualTo(1), "no reconnection: comment lines count as liveness");
            Assert.That(Logs.WithEventId(StreamLostEvent), Is.Empty);
            Assert.That(client.IsPayloadFresh, Is.True, "a live stream keeps the payload current");
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
            Assert.That(result.Description, Does.Contain("streaming"));
            Assert.That(server.FeatureRequests, Is.EqualTo(2), "no revalidation while the stream is up");
        });

        // The control: with no bytes at all, the idle timeout (on the same clock) does drop the stream.
        time.Advance(TimeSpan.FromSeconds(90));
        await AdvanceUntil(time, () => server.SubConnections == 2, "a silent stream to be dropped and reopened", Step, holdWhile: () => client.Status.IsRefreshing);
        Assert.That(Logs.WithEventId(StreamLostEvent).Single().Message, Does.Contain("no bytes on the stream"));

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task EmptyDataPings_CountAsLiveness_Too()
    {
        var server = await StartServerAsync(V1);
        var time = NewClock();
        var client = await StreamingClientAsync(server, time);

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            server.SendPing();
            var now = time.GetUtcNow();
            await Eventually(() => client.Status.LastContactAt == now, "the client to see the ping");
        }

        Assert.That(server.SubConnections, Is.EqualTo(1));
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task AStreamEventOverMaxPayloadBytes_IsRefused_AndTheStreamKept()
    {
        var server = await StartServerAsync(V1);
        var client = await StreamingClientAsync(server, NewClock(), o => o.MaxPayloadBytes = 4096);

        server.PushPayload(TestPayloads.Flags("2024-01-05T00:00:00Z", ("color", "huge"), ("padding", new string('x', 6000))));
        await Eventually(() => Logs.WithEventId(114).Count == 1, "the oversized event to be refused");
        server.PushPayload(V2);
        await Eventually(() => Value(client, "color") == "green", "the next event to be applied");

        Assert.Multiple(() =>
        {
            Assert.That(Logs.WithEventId(114).Single().Message, Does.Contain("4096"));
            Assert.That(server.SubConnections, Is.EqualTo(1), "refusing one event does not drop the stream");
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task SseConnectionDroppedMidEvent_NothingHalfApplied_StreamRestored()
    {
        var server = await StartServerAsync(V1);
        server.SseRetryMilliseconds = 100;
        var time = NewClock();
        var client = await StreamingClientAsync(server, time);
        var changes = new ChangeCounter(client);

        // The connection dies half-way through the data of a features event.
        server.DropStreamsMidEvent(V2);
        await AdvanceUntil(time, () => server.SubConnections >= 2 && server.ActiveSubscribers == 1, "the client to reconnect after the server's retry interval", Step, holdWhile: () => client.Status.IsRefreshing);
        await Eventually(() => Value(client, "color") == "green", "the payload the broken event carried to be fetched");
        await Eventually(() => FetchedSinceLastConnection(server) && server.InFlight == 0 && !client.Status.IsRefreshing,
            "the fetch after the reconnection to land (a fetch made while the stream was down may have brought V2 first)");

        server.PushPayload(V3);
        await Eventually(() => Value(client, "color") == "red" && changes.BothAtLeast(2) && client.LastError is null, "updates to flow over the restored stream (announced, the error cleared)");
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(changes.Changes.Last().Source, Is.EqualTo(PayloadSource.Stream), "V3 came over the restored stream (a fetch may confirm it later)");
            Assert.That(changes.Changes.Select(c => c.Current.DateUpdated), Is.EqualTo(new[] { "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z" }),
                "one change per payload: the broken event applied nothing");
            Assert.That(Logs.WithEventId(StreamLostEvent), Is.Not.Empty, "the lost stream is logged");
            Assert.That(Logs.WithEventId(StreamLostEvent).Select(l => l.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(client.LastError, Is.Null, "healthy again");
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task SseStreamEndedByTheServer_IsReopened()
    {
        var server = await StartServerAsync(V1);
        var time = NewClock();
        var client = await StreamingClientAsync(server, time);

        // A restart of the server side of the stream: every stream is closed cleanly.
        server.EndStreams();
        await AdvanceUntil(time, () => server.SubConnections >= 2 && server.ActiveSubscribers == 1, "the stream to reopen", Step, holdWhile: () => client.Status.IsRefreshing);
        server.PushPayload(V2);
        await Eventually(() => Value(client, "color") == "green", "updates over the reopened stream");

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task FeaturesUpdated_TriggersARefetch()
    {
        var server = await StartServerAsync(V1);
        var client = await StreamingClientAsync(server, NewClock());

        server.SetPayload(V2);
        server.PushFeaturesUpdated();
        await Eventually(() => Value(client, "color") == "green", "features-updated to make the client refetch");

        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(3), "the first fetch, the one after connecting, the one features-updated asked for");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task DisposeAsync_ClosesTheStream_AndAbandonsAnInFlightFetch()
    {
        var server = await StartServerAsync(V1);
        var client = await StreamingClientAsync(server, NewClock());
        server.EnqueueFaults(new FeaturesFault.Delay(TimeSpan.FromSeconds(30)));
        var refresh = client.RefreshAsync();
        await Eventually(() => server.InFlight == 1, "a slow fetch to be in flight");

        await DisposeAndAssertStoppedAsync(client, server);

        Assert.Multiple(() =>
        {
            Assert.That(refresh.IsCompleted, Is.True, "the in-flight refresh ended with the client");
            Assert.That(Logs.AtLeast(LogLevel.Warning), Is.Empty, "disposing is not a failure: " + string.Join(" / ", Logs.AtLeast(LogLevel.Warning)));
        });
        Assert.That(await refresh, Is.False);
        Assert.That(await client.RefreshAsync(), Is.False, "a disposed client does not fetch");
        await client.DisposeAsync(); // a host and a `using` may both dispose it
        client.Dispose();
        Assert.That(Value(client, "color"), Is.EqualTo("blue"), "a disposed client still serves its last payload");
    }

    // A client on the ServerSentEvents strategy over `server`, initialised, its stream open and the fetch after
    // connecting done.
    private static bool FetchedSinceLastConnection(FakeGrowthBookServer server)
    {
        var arrivals = server.Arrivals.ToList();
        return arrivals.Skip(arrivals.LastIndexOf("sub")).Contains("features");
    }

    private async Task<GrowthBookClient> StreamingClientAsync(FakeGrowthBookServer server, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Action<GrowthBookClientOptions>? configure = null)
    {
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        configure?.Invoke(options);
        var client = CreateClient(options, time: time);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1 && client.Status.Stream == StreamState.Connected && server.FeatureRequests == 2 && server.InFlight == 0 && !client.Status.IsRefreshing, "the stream to open, and one fetch to follow and land");
        await client.WhenNotifiedAsync();
        return client;
    }
}
