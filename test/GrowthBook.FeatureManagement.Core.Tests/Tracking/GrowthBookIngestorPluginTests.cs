using System.Text.Json;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>The ingestor plugin against a real HTTP server on 127.0.0.1 that fails, drops connections, then recovers.</summary>
[TestFixture]
public sealed class GrowthBookIngestorPluginTests : ClientTestBase
{
    [Test]
    public async Task FailuresAndDroppedConnections_ThenRecovery_EveryEventDeliveredAtLeastOnce()
    {
        var ingestor = Own(await FakeIngestor.StartAsync());
        ingestor.Fail(
            IngestorFault.ServerError,
            IngestorFault.DropBeforeStoring,
            IngestorFault.DropAfterStoring, // stored, but the plugin sees a failure: its retry stores it again (at least once)
            IngestorFault.Unavailable,
            IngestorFault.ServerError,
            IngestorFault.DropAfterStoring);
        var key = NewClientKey();
        var plugin = new GrowthBookIngestorPlugin(
            new GrowthBookIngestorOptions
            {
                IngestorHost = ingestor.BaseUrl,
                ClientKey = key,
                RetryBaseDelay = TimeSpan.FromMilliseconds(10),
                MaxRetryDelay = TimeSpan.FromMilliseconds(50),
                // Enough attempts for all six faults to land on one batch: HttpClient itself may resend a request whose
                // pooled connection dropped, so one attempt can take two faults.
                MaxRetries = 10,
            },
            logger: LoggerFactory.CreateLogger("GrowthBook.Tracking"));
        var options = TrackingFixtures.Options();
        options.TrackingPlugins.Add(plugin);
        var client = Own(new GrowthBookClient(options, loggerFactory: LoggerFactory));
        await client.InitializeAsync();

        var ids = Enumerable.Range(0, 57).Select(i => "user-" + i).ToList();
        foreach (var id in ids)
        {
            client.EvalFeature("checkout", TrackingFixtures.User(id));
            client.EvalFeature("checkout", TrackingFixtures.User(id)); // deduped
        }

        await client.FlushAsync().WaitAsync(WaitLimit);
        var stored = ingestor.Stored;
        var storedIds = stored.Select(e => e.GetProperty("properties_json").GetProperty("hashValue").GetString()).ToList();
        var requests = ingestor.Requests;
        Assert.Multiple(() =>
        {
            Assert.That(storedIds.Distinct(), Is.EquivalentTo(ids), "every exposure stored at least once");
            Assert.That(storedIds.Count - ids.Count, Is.EqualTo(ingestor.DuplicateEvents), "the only extra copies are whole batches stored again");
            Assert.That(ingestor.DuplicateEvents, Is.GreaterThan(0).And.LessThanOrEqualTo(20), "a batch whose answer was lost is sent again and stored twice: at most the two batches hit after storing");
            Assert.That(stored.GroupBy(e => e.GetRawText()).Sum(g => g.Count() - 1), Is.EqualTo(ingestor.DuplicateEvents), "each duplicate is an identical copy of an event of a batch stored again (same Idempotency-Key)");
            Assert.That(plugin.DeliveredEvents, Is.EqualTo(ids.Count));
            Assert.That(plugin.FailedEvents + plugin.DroppedEvents, Is.Zero);
            Assert.That(requests.Sum(r => r.EventCount), Is.GreaterThan(ids.Count), "failed attempts were sent again");
            Assert.That(requests.GroupBy(r => r.BatchId).Count(), Is.EqualTo(6), "57 events in batches of 10: six batch ids, each kept across its retries");
            Assert.That(requests.GroupBy(r => r.BatchId).All(g => g.Select(r => r.EventCount).Distinct().Count() == 1), "a retry resends the same batch");
            Assert.That(ingestor.Headers.Select(h => h.ClientKey).Distinct(), Is.EqualTo(new[] { key }));
            Assert.That(ingestor.Headers.Select(h => h.ContentType).Distinct(), Is.EqualTo(new[] { "application/json; charset=utf-8" }));
        });
    }

    [Test]
    public async Task TheBody_IsTheJsSdkIngestorFormat()
    {
        var ingestor = Own(await FakeIngestor.StartAsync());
        var plugin = Own(new GrowthBookIngestorPlugin(new GrowthBookIngestorOptions
        {
            IngestorHost = ingestor.BaseUrl + "/",
            ClientKey = NewClientKey(),
            TrackFeatureUsage = true,
            ExcludedAttributes = new HashSet<string> { "email" },
        }));
        var user = new UserContext
        {
            Attributes = GrowthBookAttributes.From([new("id", "u-42"), new("session_id", "s-1"), new("plan", "pro"), new("email", "a@example.com"), new("age", 41)]),
            Url = "https://shop.example/checkout",
        };
        var payload = GrowthBookPayload.Parse(TrackingFixtures.Payload);
        using var scope = new GrowthBookScope(payload, user);
        var feature = scope.EvalFeature("checkout");
        plugin.Track(new ExperimentViewedEvent(feature.Experiment!, feature.ExperimentResult!, user, DateTimeOffset.UnixEpoch));
        plugin.Track(new FeatureEvaluatedEvent("banner", scope.EvalFeature("banner"), user, DateTimeOffset.UnixEpoch));
        await plugin.FlushAsync().WaitAsync(WaitLimit);

        var events = ingestor.Stored;
        Assert.That(events, Has.Count.EqualTo(2));
        var viewed = events[0];
        var evaluated = events[1];
        Assert.Multiple(() =>
        {
            Assert.That(viewed.GetProperty("event_name").GetString(), Is.EqualTo("Experiment Viewed"));
            Assert.That(Props(viewed), Is.EqualTo($$"""{"experimentId":"checkout-exp","variationId":"{{feature.ExperimentResult!.Key}}","hashAttribute":"id","hashValue":"u-42"}"""));
            Assert.That(viewed.GetProperty("sdk_language").GetString(), Is.EqualTo("dotnet"));
            Assert.That(viewed.GetProperty("sdk_version").GetString(), Is.Not.Empty);
            Assert.That(viewed.GetProperty("url").GetString(), Is.EqualTo("https://shop.example/checkout"));
            Assert.That(viewed.GetProperty("context_json").GetRawText(), Is.EqualTo("""{"plan":"pro","age":41}"""), "id and session_id are lifted out; excluded attributes are not sent");
            Assert.That(viewed.GetProperty("user_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(viewed.GetProperty("device_id").GetString(), Is.EqualTo("u-42"), "device_id falls back to anonymous_id, then id");
            Assert.That(viewed.GetProperty("session_id").GetString(), Is.EqualTo("s-1"));
            Assert.That(evaluated.GetProperty("event_name").GetString(), Is.EqualTo("Feature Evaluated"));
            Assert.That(Props(evaluated), Is.EqualTo("""{"feature":"banner","source":"defaultValue","value":true,"ruleId":"$default","variationId":""}"""));
        });
    }

    [Test]
    public async Task ARejectedBatch_IsNotRetried()
    {
        var ingestor = Own(await FakeIngestor.StartAsync());
        ingestor.Fail(IngestorFault.BadRequest);
        var plugin = Own(new GrowthBookIngestorPlugin(new GrowthBookIngestorOptions { IngestorHost = ingestor.BaseUrl, ClientKey = NewClientKey(), RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, logger: LoggerFactory.CreateLogger("GrowthBook.Tracking")));
        var user = TrackingFixtures.User("r1");
        using var scope = new GrowthBookScope(GrowthBookPayload.Parse(TrackingFixtures.Payload), user);
        plugin.Track(new ExperimentViewedEvent(TrackingFixtures.Inline, scope.Run(TrackingFixtures.Inline), user, DateTimeOffset.UnixEpoch));
        await plugin.FlushAsync().WaitAsync(WaitLimit);
        Assert.Multiple(() =>
        {
            Assert.That(ingestor.Requests, Has.Count.EqualTo(1));
            Assert.That(plugin.FailedEvents, Is.EqualTo(1));
            Assert.That(Logs.WithEventId(222).Single().Message, Does.Contain("answered 400"));
        });
    }

    [Test]
    public void InvalidOptions_AreRefusedWithWhatToSet()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new GrowthBookIngestorPlugin(new GrowthBookIngestorOptions { ClientKey = null }), Throws.ArgumentException.With.Message.Contains("ClientKey"));
            Assert.That(() => new GrowthBookIngestorPlugin(new GrowthBookIngestorOptions { ClientKey = "k", IngestorHost = "ftp://x" }), Throws.ArgumentException.With.Message.Contains("IngestorHost"));
            Assert.That(() => new GrowthBookIngestorPlugin(new GrowthBookIngestorOptions { ClientKey = "k", BatchSize = 0 }), Throws.ArgumentException.With.Message.Contains("BatchSize"));
        });
    }

    private static string Props(JsonElement e) => e.GetProperty("properties_json").GetRawText();
}
