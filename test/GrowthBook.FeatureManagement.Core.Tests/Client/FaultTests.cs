using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// A misbehaving API: errors, rate limits, slowness, broken, truncated and oversized bodies, a wrong decryption
/// key, no API at all. In each case the client keeps serving the last good payload, says why once, and recovers.
/// </summary>
[TestFixture]
public sealed class FaultTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));

    private const int FetchFailedEvent = 102;
    private const int DecryptionFailedEvent = 103;

    [Test]
    public async Task ServerErrors_KeepThePreviousPayload_ThenRecover()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.Polling;
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);
        await client.InitializeAsync();

        server.SetPayload(V2);
        server.EnqueueFaults(new FeaturesFault.Status(500), new FeaturesFault.Status(500), new FeaturesFault.Status(502));
        await Eventually(() => server.FeatureResponses.Count(r => r.Status >= 500) == 3, "three failed polls");
        await Eventually(() => Value(client, "color") == "green" && changes.BothAtLeast(2) && client.LastError is null, "polling to recover once the API answers again (the change announced, the error cleared)");

        var failures = Logs.WithEventId(FetchFailedEvent);
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(changes.Events, Is.EqualTo(2), "no change while failing: v1 was kept, then v2 arrived");
            Assert.That(changes.Changes.Select(c => c.Current.DateUpdated), Is.EqualTo(new[] { "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z" }));
            Assert.That(failures, Has.Count.EqualTo(3), "one warning per failed request");
            Assert.That(failures.Select(f => f.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(failures[0].Message, Does.Contain("500"));
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(client.LastError, Is.Null, "a successful refresh clears the last error (health reporting)");
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task TooManyRequests_RetryAfterIsHonoured()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var time = NewClock();
        var client = CreateClient(options, time: time);
        await client.InitializeAsync();

        server.SetPayload(V2);
        server.EnqueueFaults(new FeaturesFault.Status(429, RetryAfter: "3"));
        Assert.That(await client.RefreshAsync(), Is.False, "the 429");
        var requestsAfter429 = server.FeatureRequests;

        time.Advance(TimeSpan.FromMilliseconds(2900));
        Assert.That(await client.RefreshAsync(), Is.False, "within Retry-After an explicit refresh is refused locally");
        _ = Value(client, "color");
        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(requestsAfter429), "…without a request, and reads start none either");
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(client.LastError, Is.InstanceOf<HttpRequestException>());
        });

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(await client.RefreshAsync(), Is.True, "Retry-After: 3 s has passed");
        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(requestsAfter429 + 1));
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
            Assert.That(client.LastError, Is.Null);
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ResponseSlowerThanTheTimeout_IsAbandoned_AndThePayloadKept()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        await client.InitializeAsync();
        server.SetPayload(V2);
        server.EnqueueFaults(new FeaturesFault.Delay(TimeSpan.FromSeconds(30)));

        var refreshing = client.RefreshAsync();
        await Eventually(() => server.InFlight == 1, "the slow request to reach the server");
        time.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Yield();
        Assert.That(refreshing.IsCompleted, Is.False, "the request is waited for up to its timeout (on the client's clock)");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var refreshed = await refreshing.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(refreshed, Is.False, "the request timeout (300 ms) bounds the wait");
            Assert.That(client.LastError, Is.InstanceOf<TimeoutException>());
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(Logs.WithEventId(FetchFailedEvent), Has.Count.EqualTo(1));
        });
        await Eventually(() => server.InFlight == 0, "the server to see the abandoned request closed");

        Assert.That(await client.RefreshAsync(), Is.True, "the next request works");
        Assert.That(Value(client, "color"), Is.EqualTo("green"));
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task SlowApiAtStart_InitializationTimesOut_AndTheFetchLandsLater()
    {
        var server = await StartServerAsync(V1);
        server.EnqueueFaults(new FeaturesFault.Delay(TimeSpan.FromMilliseconds(1200)));
        var options = OptionsFor(server);
        options.InitializationTimeout = TimeSpan.FromMilliseconds(200);
        var time = NewClock();
        var client = CreateClient(options, time: time);

        var initializing = client.InitializeAsync();
        await Eventually(() => server.InFlight == 1, "the first fetch to reach the (slow) server");
        time.Advance(options.InitializationTimeout);
        var result = await initializing.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.TimedOut));
            Assert.That(result.Success, Is.False);
            Assert.That(server.InFlight, Is.EqualTo(1), "InitializeAsync returned at its timeout, before the API answered");
            Assert.That(Value(client, "color"), Is.EqualTo("<none>"), "nothing to serve yet: features are unknown");
        });

        await Eventually(() => client.PayloadSource == PayloadSource.Network, "the first fetch to complete in the background");
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(server.FeatureRequests, Is.EqualTo(1));
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task InvalidJson_IsRefused_OneWarning_PayloadKept()
    {
        var (server, client) = await StartWithV1Async();
        server.EnqueueFaults(new FeaturesFault.InvalidJson());

        Assert.That(await client.RefreshAsync(), Is.False);

        AssertKeptV1WithOneProblem(client, FetchFailedEvent);
        Assert.That(client.LastError, Is.InstanceOf<InvalidDataException>());
        Assert.That(client.LastError!.Message, Does.Contain("not valid JSON"));
        await RecoversAsync(server, client);
    }

    [Test]
    public async Task TruncatedBody_IsRefused_OneWarning_PayloadKept()
    {
        var (server, client) = await StartWithV1Async();
        server.SetPayload(V2);
        server.EnqueueFaults(new FeaturesFault.Truncated());

        Assert.That(await client.RefreshAsync(), Is.False);

        AssertKeptV1WithOneProblem(client, FetchFailedEvent);
        Assert.That(client.LastError, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>(), "the body ended before its Content-Length");
        await RecoversAsync(server, client);
    }

    [Test]
    public async Task PayloadOverTheSizeLimit_WithContentLength_IsRefusedUnread()
    {
        var (server, client) = await StartWithV1Async(o => o.MaxPayloadBytes = 64 * 1024);
        server.EnqueueFaults(new FeaturesFault.Oversized(200 * 1024, Chunked: false));

        Assert.That(await client.RefreshAsync(), Is.False);

        AssertKeptV1WithOneProblem(client, FetchFailedEvent);
        Assert.That(client.LastError, Is.InstanceOf<InvalidDataException>());
        Assert.That(client.LastError!.Message, Does.Contain("MaxPayloadBytes"));
        await RecoversAsync(server, client);
    }

    [Test]
    public async Task PayloadOverTheSizeLimit_Chunked_IsRefusedWithoutReadingItWhole()
    {
        const long limit = 1024 * 1024;
        using var counter = new ByteCountingHandler();
        using var http = new HttpClient(counter);
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        options.MaxPayloadBytes = limit;
        var client = CreateClient(options, httpClient: http);
        await client.InitializeAsync();
        var readBefore = counter.BytesRead;
        server.EnqueueFaults(new FeaturesFault.Oversized(512L * 1024 * 1024, Chunked: true)); // no Content-Length announced

        Assert.That(await client.RefreshAsync(), Is.False);
        await Eventually(() => server.InFlight == 0, "the server to finish with the abandoned response");

        AssertKeptV1WithOneProblem(client, FetchFailedEvent);
        Assert.Multiple(() =>
        {
            Assert.That(client.LastError, Is.InstanceOf<InvalidDataException>());
            Assert.That(client.LastError!.Message, Does.Contain("MaxPayloadBytes"));
            Assert.That(counter.BytesRead - readBefore, Is.LessThanOrEqualTo(limit + (256 * 1024)), "the client stops reading at the limit, not at the end of a 512 MiB body");
        });
        await RecoversAsync(server, client);
    }

    [Test]
    public async Task WrongDecryptionKey_KeepsThePreviousPayload_LogsOneErrorWithoutTheKey()
    {
        var key = NewDecryptionKey();
        var otherKey = NewDecryptionKey();
        var server = await StartServerAsync(TestPayloads.EncryptedFlags(key, "2024-01-01T00:00:00Z", ("color", "blue")));
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        options.DecryptionKey = key;
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);
        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));
        Assert.That(Value(client, "color"), Is.EqualTo("blue"), "the right key decrypts");

        // The connection's key was rotated and this app still has the old one.
        server.SetPayload(TestPayloads.EncryptedFlags(otherKey, "2024-01-02T00:00:00Z", ("color", "green")));
        Assert.That(await client.RefreshAsync(), Is.False);
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("blue"), "previous payload kept");
            Assert.That(changes.Events, Is.EqualTo(1));
            Assert.That(client.LastError, Is.InstanceOf<GrowthBookDecryptionException>());
            Assert.That(((GrowthBookDecryptionException)client.LastError!).Reason, Is.AnyOf(DecryptionFailure.WrongKeyOrCorrupted, DecryptionFailure.InvalidJson));
            Assert.That(Logs.AtLeast(LogLevel.Warning), Has.Count.EqualTo(1), "exactly one problem logged: " + string.Join(" / ", Logs.AtLeast(LogLevel.Warning)));
            Assert.That(Logs.WithEventId(DecryptionFailedEvent).Single().Level, Is.EqualTo(LogLevel.Error));
            Assert.That(Logs.Lines.Select(l => l.ToString()), Has.None.Contains(key).And.None.Contains(otherKey), "the key is never logged");
            Assert.That(client.LastError!.ToString(), Does.Not.Contain(key).And.Not.Contain(otherKey));
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ApiDownAtStart_WithBootstrap_ServesTheBootstrap_ThenTheApiWhenItComesUp()
    {
        var port = FakeGrowthBookServer.FreePort();
        var clientKey = NewClientKey();
        var options = new GrowthBookClientOptions
        {
            ApiHost = $"http://127.0.0.1:{port}",
            ClientKey = clientKey,
            BootstrapPayload = TestPayloads.Flags("2023-12-01T00:00:00Z", ("color", "bootstrap-grey")),
            RefreshStrategy = RefreshStrategy.Polling,
            PollingInterval = TimeSpan.FromMilliseconds(100),
            InitializationTimeout = TimeSpan.FromSeconds(5),
        };
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);

        var watch = Stopwatch.StartNew();
        var result = await client.InitializeAsync();
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Bootstrap));
            Assert.That(result.Success, Is.True);
            Assert.That(result.Error, Is.InstanceOf<HttpRequestException>(), "connection refused");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
            Assert.That(Value(client, "color"), Is.EqualTo("bootstrap-grey"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "a refused connection does not wait for the initialization timeout");
        });

        // The API comes up on that address: polling picks it up.
        var server = await StartServerAsync(V1, clientKey, port);
        await Eventually(() => Value(client, "color") == "blue" && changes.BothAtLeast(2) && client.LastError is null, "polling to load the API's payload once it is up (the change announced, the error cleared)");
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(changes.Events, Is.EqualTo(2));
            Assert.That(client.LastError, Is.Null);
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ApiDownAtStart_WithoutAnythingElse_Fails_WithAClearError()
    {
        var options = new GrowthBookClientOptions
        {
            ApiHost = $"http://127.0.0.1:{FakeGrowthBookServer.FreePort()}",
            ClientKey = NewClientKey(),
            RefreshStrategy = RefreshStrategy.None,
        };
        var client = CreateClient(options);

        var result = await client.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Failed));
            Assert.That(result.Success, Is.False);
            Assert.That(result.Error, Is.InstanceOf<HttpRequestException>());
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.None));
            Assert.That(Value(client, "color"), Is.EqualTo("<none>"));
            Assert.That(Logs.WithEventId(FetchFailedEvent), Has.Count.EqualTo(1));
        });
        await client.DisposeAsync();
    }

    private async Task<(FakeGrowthBookServer Server, GrowthBookClient Client)> StartWithV1Async(Action<GrowthBookClientOptions>? configure = null)
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        configure?.Invoke(options);
        var client = CreateClient(options);
        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));
        return (server, client);
    }

    private void AssertKeptV1WithOneProblem(GrowthBookClient client, int eventId)
    {
        var problems = Logs.AtLeast(LogLevel.Warning);
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("blue"), "the previous payload is still served");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(problems, Has.Count.EqualTo(1), "one problem, logged once: " + string.Join(" / ", problems));
            Assert.That(problems.Select(p => p.EventId.Id), Is.All.EqualTo(eventId));
        });
    }

    private async Task RecoversAsync(FakeGrowthBookServer server, GrowthBookClient client)
    {
        server.SetPayload(V2);
        Assert.That(await client.RefreshAsync(), Is.True, "the next good answer is applied");
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
            Assert.That(client.LastError, Is.Null);
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }
}
