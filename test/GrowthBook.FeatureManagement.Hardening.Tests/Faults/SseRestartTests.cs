using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// The streaming server dies and comes back 100 times (half the time cut mid-event, half ended cleanly) while clients
/// evaluate: every client follows each new server, ends on its final payload, and no evaluation fails or tears.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class SseRestartTests
{
    private const int Restarts = 100;
    private const int Clients = 4;

    [Test]
    [CancelAfter(120_000)]
    public async Task SseServerKilledAndRestarted100Times_ClientsFollowAndNeverFail(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Faults: SSE server killed and restarted 100×", async counter =>
        {
            var port = FakeGrowthBookServer.FreePort();
            var server = await StartAsync(0, port);
            var counters = new List<EventCounter>();
            var clients = new List<GrowthBookClient>();
            var readers = new List<VersionReaders>();
            try
            {
                for (var c = 0; c < Clients; c++)
                {
                    var events = new EventCounter();
                    counters.Add(events);
                    var client = new GrowthBookClient(
                        new GrowthBookClientOptions
                        {
                            ApiHost = server.BaseUrl,
                            ClientKey = CapturedOutput.ClientKey,
                            RefreshStrategy = RefreshStrategy.ServerSentEvents,
                            RequestTimeout = TimeSpan.FromSeconds(2),
                            InitializationTimeout = TimeSpan.FromSeconds(5),
                        },
                        loggerFactory: CapturedOutput.CreateLoggerFactory(events));
                    clients.Add(client);
                    var init = await client.InitializeAsync(cancellationToken);
                    Assert.That(init.Status, Is.EqualTo(InitializationStatus.Network));
                    var reader = new VersionReaders(client.CreateScope, 60);
                    readers.Add(reader);
                    reader.Start(1);
                }

                await Wait.UntilAsync(() => counters.All(e => e[104] >= 1), "every client's stream to connect", cancellationToken: cancellationToken);
                for (var i = 1; i <= Restarts; i++)
                {
                    if (i % 2 == 1)
                    {
                        server.DropStreamsMidEvent(VersionedPayload.Json(i - 1)); // killed while writing an event
                    }

                    await server.DisposeAsync();
                    server = await StartAsync(i, port);
                    var expected = VersionedPayload.DateUpdated(i);
                    await Wait.UntilAsync(() => clients.All(c => c.Payload.DateUpdated == expected), $"every client on payload {i} after restart {i}", cancellationToken: cancellationToken);

                    // Polling may bring the payload first: the next kill waits for every stream to be back too.
                    await Wait.UntilAsync(() => counters.All(e => e[104] >= 1 + i), $"every client's stream back after restart {i}", cancellationToken: cancellationToken);
                    counter.Add();
                }

                foreach (var reader in readers)
                {
                    reader.Stop();
                }

                var reconnects = counters.Sum(e => e[104]) - Clients;
                var evaluations = readers.Sum(r => r.Evaluations);
                counter.Fail(readers.Sum(r => r.Failures));
                counter.Figure = $"{reconnects} reconnects; {evaluations:N0} evaluations meanwhile";
                TestContext.Progress.WriteLine($"SSE restarts: {Restarts} restarts, {reconnects} reconnects, " + string.Join("; ", readers.Select(r => r.Describe())));
                Assert.Multiple(() =>
                {
                    Assert.That(readers.Select(r => r.Failures), Has.All.EqualTo(0), string.Join("; ", readers.Select(r => r.Describe())));
                    Assert.That(clients.Select(c => c.Payload.DateUpdated), Has.All.EqualTo(VersionedPayload.DateUpdated(Restarts)), "every client ends on the final payload");
                    Assert.That(reconnects, Is.GreaterThanOrEqualTo(Restarts * Clients), "each restart made each client reconnect");
                    Assert.That(evaluations, Is.GreaterThan(0));
                });
            }
            finally
            {
                foreach (var reader in readers)
                {
                    reader.Stop();
                }

                foreach (var client in clients)
                {
                    CapturedOutput.Seen(client.LastError);
                    await client.DisposeAsync();
                }

                await server.DisposeAsync();
            }
        });
    }

    private static async Task<FakeGrowthBookServer> StartAsync(int version, int port)
    {
        var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(version), port);
        server.SseRetryMilliseconds = 10;
        server.SendPayloadOnConnect = true;
        return server;
    }
}
