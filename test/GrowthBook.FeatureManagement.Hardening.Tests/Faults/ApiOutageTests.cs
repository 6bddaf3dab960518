using System.Diagnostics;
using System.Globalization;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// The API (a real Kestrel server) goes away for 75 seconds of the client's clock while a client streams from it in
/// the production default (a client key, stale-while-revalidate, streaming announced by <c>x-sse-support</c>). A
/// feature changes during the outage, where no event can carry it. When the API answers again, the change must be
/// served within 5 seconds: the client retries the stream at most a few seconds apart, and every reconnection is
/// followed by one conditional fetch. The client's clock is a fake one the test moves to each retry; HTTP is real.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class ApiOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(75);
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(5);

    [Test]
    [CancelAfter(120_000)]
    public async Task ApiStopped75Seconds_ChangeMadeMeanwhile_ServedWithin5SecondsOfItsReturn(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Faults: API stopped 75 s, payload changed meanwhile", async counter =>
        {
            var before = VersionedPayload.Json(1);
            var changed = VersionedPayload.Json(2);
            var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var events = new EventCounter();
            var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, before);
            server.SseSupport = true;
            var port = server.Port;
            await using var client = new GrowthBookClient(
                new GrowthBookClientOptions { ApiHost = server.BaseUrl, ClientKey = CapturedOutput.ClientKey },
                loggerFactory: CapturedOutput.CreateLoggerFactory(events),
                timeProvider: time);
            try
            {
                Assert.That((await client.InitializeAsync(cancellationToken)).Status, Is.EqualTo(InitializationStatus.Network));
                await Wait.UntilAsync(() => client.Status.Stream == StreamState.Connected, "the stream to connect", cancellationToken: cancellationToken);

                // 1. The API goes away for 75 s of the client's clock; the client retries on its own schedule.
                await server.DisposeAsync();
                var down = time.GetUtcNow();
                await RunClockAsync(client, time, () => time.GetUtcNow() - down >= Outage, down + Outage, cancellationToken);
                var attempts = events[105];
                Assert.That(client.Status.Stream, Is.EqualTo(StreamState.Reconnecting));
                Assert.That(Version(client), Is.EqualTo(1), "the last payload is served throughout");

                // 2. The API comes back, on the same address, with a payload changed while it was down.
                server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, changed, port);
                server.SseSupport = true;
                var back = time.GetUtcNow();
                var realWatch = Stopwatch.StartNew();
                await RunClockAsync(client, time, () => Version(client) == 2, back + TimeSpan.FromMinutes(5), cancellationToken);
                var served = time.GetUtcNow() - back;
                realWatch.Stop();

                counter.Add(attempts);
                counter.Figure = string.Create(
                    CultureInfo.InvariantCulture,
                    $"served {served.TotalSeconds:0.0} s (client clock) after the API answered again (limit {Promise.TotalSeconds:0} s; {realWatch.Elapsed.TotalMilliseconds:0} ms real); {attempts} reconnection attempts in the 75 s outage");
                Assert.Multiple(() =>
                {
                    Assert.That(served, Is.LessThanOrEqualTo(Promise), "the change is served within 5 s of the API answering again");
                    Assert.That(client.Payload.DateUpdated, Is.EqualTo(VersionedPayload.DateUpdated(2)));
                    Assert.That(client.Status.Stream, Is.EqualTo(StreamState.Connected));
                    Assert.That(server.Arrivals, Is.EqualTo(new[] { "sub", "features" }), "on its return the API saw the reconnection, then the one fetch that followed it");
                });
            }
            finally
            {
                CapturedOutput.Seen(client.LastError);
                await server.DisposeAsync();
            }
        });
    }

    // Moves the client's clock from one of its waits to the next (never past `limit`), letting it do its real network
    // work in between, until `done`. The clock moves while the client is parked on a reconnection wait, so no
    // client-clock time passes while it works. A client busy for long in real time is waiting on the network (a
    // connection to a port the OS has since handed to another process, say): then the clock moves in small steps, as
    // it would while a request waits for its timeout — such steps count in the figure like any other.
    private static async Task RunClockAsync(GrowthBookClient client, FakeTimeProvider time, Func<bool> done, DateTimeOffset limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var busySince = Stopwatch.GetTimestamp();
        while (!done())
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the client stopped making progress");
            var status = client.Status;
            var now = time.GetUtcNow();
            if (status.Stream == StreamState.Reconnecting && status.StreamRetryAt is { } retryAt && retryAt > now && !status.IsRefreshing)
            {
                time.Advance((retryAt < limit ? retryAt : limit) - now);
                busySince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(busySince) > TimeSpan.FromMilliseconds(500) && now < limit)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                busySince = Stopwatch.GetTimestamp();
            }
            else
            {
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    // The version of the payload an evaluation reads (evaluating, as requests would, also revalidates a stale payload).
    private static int Version(GrowthBookClient client) => VersionedPayload.VersionOf(client.GetFeatureValue("f0", -1, UserContext.Anonymous));
}
