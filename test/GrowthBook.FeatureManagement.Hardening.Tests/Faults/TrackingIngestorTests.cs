using System.Globalization;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Tracking;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// The GrowthBook ingestor fails while users are put in experiments: batches are retried (the same batch, the same
/// Idempotency-Key) and delivered once it recovers — at least once: like GrowthBook's own ingestor, the test ingestor
/// ignores Idempotency-Key, so a batch stored before its answer was lost is stored again, and the figure says how many
/// duplicates that made. While it stays down, memory stays bounded by the plugin's queue (the oldest events dropped and
/// counted) whatever the number of exposures.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class TrackingIngestorTests
{
    private const string Payload = """
        {"features":{"exp":{"defaultValue":0,"rules":[{"key":"hardening-exp","seed":"h","hashAttribute":"id","variations":[1,2],"weights":[0.5,0.5]}]}}}
        """;

    [Test]
    [CancelAfter(90_000)]
    public async Task IngestorFailing_EventsRetriedAndDeliveredAtLeastOnce_DuplicatesCounted_BoundedMemory(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Faults: tracking ingestor failing", async counter =>
        {
            await using var ingestor = await FakeIngestor.StartAsync();
            var plugin = new GrowthBookIngestorPlugin(
                new GrowthBookIngestorOptions
                {
                    IngestorHost = ingestor.BaseUrl,
                    ClientKey = CapturedOutput.ClientKey,
                    BatchSize = 50,
                    FlushInterval = TimeSpan.FromMilliseconds(20),
                    MaxRetries = 10_000, // outlive the outage: this scenario is about delivery after recovery
                    RetryBaseDelay = TimeSpan.FromMilliseconds(5),
                    MaxRetryDelay = TimeSpan.FromMilliseconds(50),
                    QueueCapacity = 1_000,
                    ExcludedAttributes = new HashSet<string>(StringComparer.Ordinal) { "email" },
                },
                logger: CapturedOutput.CreateLoggerFactory().CreateLogger("GrowthBook.Tracking"));
            var options = new GrowthBookClientOptions { BootstrapPayload = Payload };
            options.TrackingPlugins.Add(plugin);
            await using var client = new GrowthBookClient(options, loggerFactory: CapturedOutput.CreateLoggerFactory());
            await client.InitializeAsync(cancellationToken);

            // 1. A short outage with every kind of failure: everything tracked is delivered once it recovers, once each.
            ingestor.Down = true;
            Expose(client, 0, 500);
            await Wait.UntilAsync(() => ingestor.RequestCount >= 20, "the plugin to retry against the failing ingestor", cancellationToken: cancellationToken);
            ingestor.Down = false;
            await client.FlushAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var stored = StoredEvents(ingestor);
            var shortOutageDuplicates = ingestor.DuplicateEvents;
            Assert.Multiple(() =>
            {
                Assert.That(plugin.DeliveredEvents, Is.EqualTo(500), "every exposure delivered after the outage");
                Assert.That(stored.Distinct().Count(), Is.EqualTo(500), "each stored at least once");
                Assert.That(stored, Has.Count.EqualTo(500 + shortOutageDuplicates), "the only extra copies are whole batches stored again");
                Assert.That(plugin.FailedEvents + plugin.DroppedEvents, Is.Zero);
            });
            counter.Add(500);

            // 2. A long outage with far more exposures than the queue holds: memory stays bounded, the newest are kept.
            ingestor.Down = true;
            GC.Collect();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            const int many = 50_000;
            Expose(client, 1_000_000, many);
            // The client's own bounded queue sits before the plugin's: wait until the plugin has taken all it will get.
            var accepted = await SettledAsync(plugin, cancellationToken);
            var pendingWhileDown = plugin.PendingEvents;
            var heapGrowthMb = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / 1024.0 / 1024.0;
            ingestor.Down = false;
            await client.FlushAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            stored = StoredEvents(ingestor);
            counter.Add(many);
            var unique = stored.Distinct().Count();
            counter.Figure = $"{ingestor.RequestCount:N0} requests; while down: {pendingWhileDown:N0} pending, {plugin.DroppedEvents + (500 + many - accepted):N0} dropped (oldest), heap +{heapGrowthMb:0.0} MB; {unique:N0} events stored, {ingestor.DuplicateEvents:N0} duplicates (batches stored before their answer was lost, resent: at least once)";
            Assert.Multiple(() =>
            {
                Assert.That(pendingWhileDown, Is.LessThanOrEqualTo(plugin.Options.QueueCapacity + plugin.Options.BatchSize), "bounded by the queue");
                Assert.That(heapGrowthMb, Is.LessThan(30), "memory bounded while the ingestor is down");
                Assert.That(unique, Is.EqualTo(plugin.DeliveredEvents), "every delivered event stored (at least once)");
                Assert.That(stored, Has.Count.EqualTo(unique + ingestor.DuplicateEvents), "the only extra copies are whole batches stored again");
                Assert.That(plugin.DeliveredEvents + plugin.DroppedEvents + plugin.FailedEvents, Is.EqualTo(accepted), "every event the plugin took is accounted for");
                Assert.That(plugin.PendingEvents, Is.Zero);
                Assert.That(plugin.FailedEvents, Is.Zero);
                Assert.That(stored, Does.Contain("hardening-exp|user-" + (1_000_000 + many - 1).ToString(CultureInfo.InvariantCulture)), "the newest exposures survive the outage");
            });
        });
    }

    // Each stored event as "experiment|hash value".
    private static List<string> StoredEvents(FakeIngestor ingestor)
        => ingestor.Stored
            .Select(e => e.GetProperty("properties_json"))
            .Select(p => p.GetProperty("experimentId").GetString() + "|" + p.GetProperty("hashValue"))
            .ToList();

    // Everything the plugin was handed (delivered, failed, dropped or pending), once that stops growing.
    private static async Task<long> SettledAsync(GrowthBookIngestorPlugin plugin, CancellationToken cancellationToken)
    {
        long Accepted() => plugin.DeliveredEvents + plugin.FailedEvents + plugin.DroppedEvents + plugin.PendingEvents;
        var last = -1L;
        var stable = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (stable < 3 && watch.Elapsed < Wait.Limit)
        {
            await Task.Delay(100, cancellationToken);
            var now = Accepted();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }

        Assert.That(stable, Is.EqualTo(3), "the plugin's intake settled");
        return last;
    }

    // Puts `count` distinct users in the experiment: one exposure each.
    private static void Expose(GrowthBookClient client, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var user = new UserContext { Attributes = GrowthBookAttributes.From([new("id", "user-" + i.ToString(CultureInfo.InvariantCulture)), new("email", CapturedOutput.SecureEmail)]) };
            _ = client.EvalFeature("exp", user);
        }
    }
}
