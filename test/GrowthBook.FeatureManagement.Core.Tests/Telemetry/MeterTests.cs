using GrowthBook.FeatureManagement.Tests.Client;
using GrowthBook.FeatureManagement.Tests.Tracking;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Telemetry;

/// <summary>The <c>GrowthBook.FeatureManagement</c> meter, read by a real <see cref="System.Diagnostics.Metrics.MeterListener"/>.</summary>
[TestFixture]
public sealed class MeterTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));

    [Test]
    public async Task EvaluationsAndExposures_AreCounted_WithFeatureAndExperimentTags()
    {
        using var meter = new MeterRecorder();
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory));
        await client.InitializeAsync();
        var variations = new Dictionary<string, int>();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                var result = client.EvalFeature("checkout", TrackingFixtures.User("m" + i));
                variations["m" + i] = result.ExperimentResult!.VariationId;
            }
        }

        client.IsOn("banner", TrackingFixtures.User("m0"));
        var expectedTreatment = 2 * variations.Values.Count(v => v == 1);
        Assert.Multiple(() =>
        {
            Assert.That(meter.Sum("growthbook.evaluations", ("feature_flag.key", "checkout"), ("feature_flag.result.reason", "split")), Is.EqualTo(10));
            Assert.That(meter.Sum("growthbook.evaluations", ("feature_flag.key", "banner"), ("feature_flag.result.reason", "default")), Is.EqualTo(1));
            Assert.That(meter.Sum("growthbook.exposures", ("growthbook.experiment.key", "checkout-exp")), Is.EqualTo(10), "every exposure, before dedupe");
            Assert.That(meter.Sum("growthbook.exposures", ("growthbook.experiment.key", "checkout-exp"), ("growthbook.experiment.variation_id", "1")), Is.EqualTo(expectedTreatment));
        });
    }

    [Test]
    public async Task RefreshesFetchErrorsAndStreamReconnects_AreCounted_AgainstARealServer()
    {
        using var meter = new MeterRecorder();
        var server = await StartServerAsync(V1);
        server.EnqueueFaults(new FeaturesFault.Status(500));
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);

        await client.InitializeAsync(); // the first fetch answers 500; the stream opens anyway
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");
        Assert.That(meter.Sum("growthbook.fetch.errors", ("error.type", typeof(HttpRequestException).FullName)), Is.EqualTo(1));

        server.PushPayload(V2);
        await Eventually(() => meter.Sum("growthbook.payload.refreshes", ("growthbook.payload.source", "stream")) == 1, "the streamed payload to count as a refresh");

        server.EndStreams();
        await Eventually(() => server.SubConnections >= 2 && server.ActiveSubscribers == 1, "the client to reconnect");
        Assert.That(await client.RefreshAsync(), Is.True);
        await Eventually(() => meter.Sum("growthbook.payload.refreshes", ("growthbook.payload.source", "network")) >= 1, "the successful fetch to count");
        Assert.That(meter.Sum("growthbook.stream.reconnects"), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task WithNoListener_EvaluationAllocatesNothing()
    {
        var client = Own(new GrowthBookClient(TrackingFixtures.Options(), loggerFactory: LoggerFactory));
        await client.InitializeAsync();
        var user = TrackingFixtures.User("z1");
        for (var i = 0; i < 100; i++)
        {
            client.IsOn("banner", user); // warm up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            client.IsOn("banner", user);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        using var meter = new MeterRecorder();
        client.IsOn("banner", user);
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero, "no listener, no callback, no publisher: nothing is allocated per evaluation");
            Assert.That(meter.Sum("growthbook.evaluations", ("feature_flag.key", "banner")), Is.EqualTo(1), "a listener turns counting on at once");
        });
    }
}
