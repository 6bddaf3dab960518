using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>Server-sent events on <c>/sub/{clientKey}</c>: updates applied, streams dropped and restored, loops stopped.</summary>
[TestFixture]
public sealed class StreamingTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));
    private static readonly string V3 = TestPayloads.Flags("2024-01-03T00:00:00Z", ("color", "red"));

    private const int StreamLostEvent = 105;

    [Test]
    public async Task SseUpdate_IsApplied_WhenTheApiAnnouncesStreaming()
    {
        var server = await StartServerAsync(V1);
        server.SseSupport = true;
        var options = OptionsFor(server);
        options.CacheTtl = TimeSpan.FromMilliseconds(100); // reads would revalidate without the stream
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);

        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));
        await Eventually(() => server.ActiveSubscribers == 1, "x-sse-support: enabled to make the client open /sub/");

        server.PushPayload(V2);
        await Eventually(() => Value(client, "color") == "green" && changes.BothAtLeast(2), "the pushed payload to be applied (and announced)");

        // While the stream is up, stale reads do not poll.
        await Task.Delay(options.CacheTtl * 2);
        for (var i = 0; i < 20; i++)
        {
            _ = client.Payload;
        }

        Assert.Multiple(() =>
        {
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Stream));
            Assert.That(server.FeatureRequests, Is.EqualTo(1), "the stream replaces revalidation on read");
            Assert.That(server.SubConnections, Is.EqualTo(1));
            Assert.That(changes.Events, Is.EqualTo(2));
            Assert.That(changes.Tokens, Is.EqualTo(2));
            Assert.That(changes.Changes.Last().Source, Is.EqualTo(PayloadSource.Stream));
        });

        // The same payload again (a reconnecting proxy may resend it) is not a change.
        server.PushPayload(V2);
        await Task.Delay(200);
        Assert.That(changes.Events, Is.EqualTo(2));

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task SseConnectionDroppedMidEvent_NothingHalfApplied_StreamRestored()
    {
        var server = await StartServerAsync(V1);
        server.SseRetryMilliseconds = 100;
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");

        // The connection dies half-way through the data of a features event.
        server.DropStreamsMidEvent(V2);
        await Eventually(() => server.SubConnections >= 2 && server.ActiveSubscribers == 1, "the client to reconnect after the server's retry interval");
        await Eventually(() => Value(client, "color") == "green", "the payload the broken event carried to be fetched while the stream was down");

        server.PushPayload(V3);
        await Eventually(() => Value(client, "color") == "red" && changes.BothAtLeast(3) && client.LastError is null, "updates to flow over the restored stream (announced, the error cleared)");

        Assert.Multiple(() =>
        {
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Stream));
            Assert.That(changes.Changes.Select(c => c.Current.DateUpdated), Is.EqualTo(new[] { "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z" }),
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
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");

        // A restart of the server side of the stream: every stream is closed cleanly.
        server.EndStreams();
        await Eventually(() => server.SubConnections >= 2 && server.ActiveSubscribers == 1, "the stream to reopen");
        server.PushPayload(V2);
        await Eventually(() => Value(client, "color") == "green", "updates over the reopened stream");

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task FeaturesUpdated_TriggersARefetch()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");

        server.SetPayload(V2);
        server.PushFeaturesUpdated();
        await Eventually(() => Value(client, "color") == "green", "features-updated to make the client refetch");

        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(2));
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task DisposeAsync_ClosesTheStream_AndAbandonsAnInFlightFetch()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");
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
}
