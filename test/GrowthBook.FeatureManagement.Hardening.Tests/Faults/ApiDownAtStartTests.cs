using GrowthBook.FeatureManagement.AspNetCore;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// The API is down when the app starts: it serves its bootstrap file, or the last known good payload from Redis, or
/// (with neither) the documented defaults with the health check Unhealthy; then the API comes back and it recovers.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class ApiDownAtStartTests
{
    private readonly List<IAsyncDisposable> _owned = [];

    [TearDown]
    public async Task DisposeAll()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            if (_owned[i] is GrowthBookClient client)
            {
                CapturedOutput.Seen(client.LastError);
            }

            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WithABootstrapFile_ServesItThenRecovers(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Faults: API down at start, bootstrap file", async counter =>
        {
            var file = Path.Combine(Path.GetTempPath(), $"hardening-bootstrap-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(file, VersionedPayload.Json(1), cancellationToken);
            try
            {
                var api = Own(await DownApiAsync(VersionedPayload.Json(2)));
                var client = Own(new GrowthBookClient(Options(api.Port, o => o.BootstrapFile = file), loggerFactory: CapturedOutput.CreateLoggerFactory()));
                var init = await client.InitializeAsync(cancellationToken);
                Assert.Multiple(() =>
                {
                    Assert.That(init.Status, Is.EqualTo(InitializationStatus.Bootstrap));
                    Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
                    Assert.That(client.GetFeatureValue("f0", -1, VersionedPayload.User(0)), Is.EqualTo(1001));
                });
                counter.Add();
                var health = await CheckHealthAsync(client);
                Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded), "serving the bootstrap payload");

                api.PersistentFault = null; // the API is back
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await Wait.UntilAsync(() => client.PayloadSource == PayloadSource.Network, "the client to load from the API once it is back", cancellationToken: cancellationToken);
                Assert.That(client.GetFeatureValue("f0", -1, VersionedPayload.User(0)), Is.EqualTo(2001));
                Assert.That((await CheckHealthAsync(client)).Status, Is.EqualTo(HealthStatus.Healthy));
                counter.Add();
                counter.Figure = $"Bootstrap → Network {watch.Elapsed.TotalMilliseconds:0} ms after the API came back";
            }
            finally
            {
                File.Delete(file);
            }
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WithALastKnownGoodPayloadInRedis_ServesItThenRecovers(CancellationToken cancellationToken)
    {
        var address = TestRedis.RequireAddress();
        await Summary.RunAsync("Faults: API down at start, last known good in Redis", async counter =>
        {
            var instance = $"hardening-{Guid.NewGuid():N}:";
            var port = FakeGrowthBookServer.FreePort();

            // An earlier run of the app loaded payload 3 and left it in Redis.
            var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(3), port);
            await using (var earlier = new GrowthBookClient(Options(port), cache: new DistributedFeatureCache(TestRedis.Cache(address, instance)), loggerFactory: CapturedOutput.CreateLoggerFactory()))
            {
                Assert.That((await earlier.InitializeAsync(cancellationToken)).Status, Is.EqualTo(InitializationStatus.Network));
            }

            await server.DisposeAsync();

            // The app restarts while the API is down.
            var api = Own(await DownApiAsync(VersionedPayload.Json(4), port));
            var client = Own(new GrowthBookClient(Options(port, o => o.CacheTtl = TimeSpan.FromMilliseconds(1)), cache: new DistributedFeatureCache(TestRedis.Cache(address, instance)), loggerFactory: CapturedOutput.CreateLoggerFactory()));
            var init = await client.InitializeAsync(cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(init.Status, Is.EqualTo(InitializationStatus.Cache));
                Assert.That(client.GetFeatureValue("f0", -1, VersionedPayload.User(0)), Is.EqualTo(3001), "the last known good payload");
            });
            Assert.That((await CheckHealthAsync(client)).Status, Is.EqualTo(HealthStatus.Degraded));
            counter.Add();

            api.PersistentFault = null; // the API is back
            await Wait.UntilAsync(() => client.PayloadSource == PayloadSource.Network, "the client to load from the API once it is back", cancellationToken: cancellationToken);
            Assert.That(client.GetFeatureValue("f0", -1, VersionedPayload.User(0)), Is.EqualTo(4001));
            counter.Add();
            counter.Figure = "Cache → Network";
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WithNeither_ServesDefaultsAndIsUnhealthyThenRecovers(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Faults: API down at start, no bootstrap or cache", async counter =>
        {
            var api = Own(await DownApiAsync(VersionedPayload.Json(5)));
            var client = Own(new GrowthBookClient(Options(api.Port), loggerFactory: CapturedOutput.CreateLoggerFactory()));
            var init = await client.InitializeAsync(cancellationToken);
            CapturedOutput.Seen(init.Error);
            var user = VersionedPayload.User(1);
            var unknown = client.EvalFeature("f0", user);
            var health = await CheckHealthAsync(client);
            Assert.Multiple(() =>
            {
                Assert.That(init.Status, Is.EqualTo(InitializationStatus.Failed).Or.EqualTo(InitializationStatus.TimedOut));
                Assert.That(init.Success, Is.False);
                Assert.That(unknown.Source, Is.EqualTo(FeatureSource.UnknownFeature), "every feature is unknown");
                Assert.That(client.GetFeatureValue("f0", -7, user), Is.EqualTo(-7), "the caller's default");
                Assert.That(client.IsOn("f0", user), Is.False);
                Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy));
            });
            CapturedOutput.Seen(health.Description ?? "");
            counter.Add();

            api.PersistentFault = null; // the API is back
            await Wait.UntilAsync(() => client.PayloadSource == PayloadSource.Network, "the client to load from the API once it is back", cancellationToken: cancellationToken);
            var recovered = await CheckHealthAsync(client);
            Assert.Multiple(() =>
            {
                Assert.That(client.EvalFeature("f0", user).Source, Is.Not.EqualTo(FeatureSource.UnknownFeature));
                Assert.That(recovered.Status, Is.EqualTo(HealthStatus.Healthy));
            });
            counter.Add();
            counter.Figure = $"init {init.Status} → Network; health Unhealthy → Healthy";
        });
    }

    // The API is down: a server that cuts every connection before answering. It is started before the client, so the
    // outage lasts as long as the test's own steps and no longer: an API started late would add Kestrel's start-up
    // (seconds on a loaded machine) to the outage, and the client's polling backoff (which doubles with each failure)
    // would grow with it past the wait.
    private static async Task<FakeGrowthBookServer> DownApiAsync(string payload, int port = 0)
    {
        var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, payload, port);
        server.PersistentFault = new FeaturesFault.Abort();
        return server;
    }

    private static GrowthBookClientOptions Options(int port, Action<GrowthBookClientOptions>? configure = null)
    {
        var options = new GrowthBookClientOptions
        {
            ApiHost = $"http://127.0.0.1:{port}",
            ClientKey = CapturedOutput.ClientKey,
            RefreshStrategy = RefreshStrategy.Polling,
            PollingInterval = TimeSpan.FromMilliseconds(100),
            RequestTimeout = TimeSpan.FromSeconds(2),
            InitializationTimeout = TimeSpan.FromSeconds(3),
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<HealthCheckResult> CheckHealthAsync(GrowthBookClient client)
    {
        var result = await new GrowthBookHealthCheck(client).CheckHealthAsync(new HealthCheckContext());
        CapturedOutput.Seen(result.Description + " " + string.Join(" ", result.Data.Select(d => $"{d.Key}={d.Value}")));
        return result;
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
