using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Secrets;

/// <summary>
/// With every log level on and every ActivitySource listened to, the client key, the decryption key and secure
/// attribute values never show in a log line, an exception message or a telemetry tag: in failures made to tempt a
/// leak here, and in everything the scenarios before this fixture captured (it runs last: fixtures run by name).
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class SecretsTests
{
    private static readonly ScenarioCounter Counter = new();
    private readonly List<IAsyncDisposable> _owned = [];

    [OneTimeTearDown]
    public void Record()
        => Summary.Record("Secrets: failures made to tempt a leak", Counter.Iterations, CapturedOutput.FindLeaks().Count, "keys and secure values in 0 log lines, exceptions or tags", TimeSpan.Zero);

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
    [Order(1)]
    [CancelAfter(30_000)]
    public async Task EncryptedPayloadWithTheWrongKey_FailsWithoutNamingEitherKey(CancellationToken cancellationToken)
    {
        var rightKey = CapturedOutput.Register(TestPayloads.NewKey());
        var wrongKey = CapturedOutput.Register(TestPayloads.NewKey());
        var encrypted = TestPayloads.EncryptedFlags(rightKey, "2024-01-01T00:00:00Z", ("secret-flag", CapturedOutput.SecureEmail));
        var server = Own(await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, encrypted));
        server.SseSupport = true;
        server.SendPayloadOnConnect = true;

        // Fetched, and streamed: both paths decrypt.
        foreach (var strategy in new[] { RefreshStrategy.None, RefreshStrategy.ServerSentEvents })
        {
            var client = Own(new GrowthBookClient(Options(server, strategy, wrongKey), loggerFactory: CapturedOutput.CreateLoggerFactory()));
            var init = await client.InitializeAsync(cancellationToken);
            CapturedOutput.Seen(init.Error);
            Assert.Multiple(() =>
            {
                Assert.That(init.Success, Is.False);
                Assert.That(client.LastError, Is.InstanceOf<GrowthBookDecryptionException>());
            });
            Counter.Add();
        }

        // Parsed directly, with the wrong key and with none.
        foreach (var key in new[] { wrongKey, null, "not base64 " + wrongKey })
        {
            var error = Assert.Throws<GrowthBookDecryptionException>(() => GrowthBookPayload.Parse(encrypted, new GrowthBookPayloadOptions { DecryptionKey = key, Logger = CapturedOutput.CreateLoggerFactory().CreateLogger("test") }));
            CapturedOutput.Seen(error);
            Counter.Add();
        }

        AssertNoLeaks();
    }

    [Test]
    [Order(1)]
    [CancelAfter(60_000)]
    public async Task HttpFailuresOnUrlsHoldingTheClientKey_NeverNameIt(CancellationToken cancellationToken)
    {
        var server = Own(await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(1)));
        FeaturesFault[] faults =
        [
            new FeaturesFault.Status(500), new FeaturesFault.Status(404), new FeaturesFault.Status(403), new FeaturesFault.InvalidJson(),
            new FeaturesFault.Truncated(), new FeaturesFault.Abort(), new FeaturesFault.Oversized(20L * 1024 * 1024, Chunked: true),
        ];
        var client = Own(new GrowthBookClient(Options(server, RefreshStrategy.None, null), loggerFactory: CapturedOutput.CreateLoggerFactory()));
        await client.InitializeAsync(cancellationToken);
        foreach (var fault in faults)
        {
            server.EnqueueFaults(fault);
            Assert.That(await client.RefreshAsync(cancellationToken), Is.False, fault.ToString());
            CapturedOutput.Seen(client.LastError);
            Counter.Add();
        }

        // Nothing listening at all, and a stream that cannot connect.
        foreach (var strategy in new[] { RefreshStrategy.Polling, RefreshStrategy.ServerSentEvents })
        {
            var down = Own(new GrowthBookClient(
                new GrowthBookClientOptions { ApiHost = $"http://127.0.0.1:{FakeGrowthBookServer.FreePort()}", ClientKey = CapturedOutput.ClientKey, RefreshStrategy = strategy, PollingInterval = TimeSpan.FromMilliseconds(20), InitializationTimeout = TimeSpan.FromSeconds(2) },
                loggerFactory: CapturedOutput.CreateLoggerFactory()));
            CapturedOutput.Seen((await down.InitializeAsync(cancellationToken)).Error);
            await Task.Delay(200, cancellationToken);
            Counter.Add();
        }

        AssertNoLeaks();
    }

    [Test]
    [Order(1)]
    [CancelAfter(30_000)]
    public async Task RemoteEvaluationFailures_NeverShowSecureAttributeValues(CancellationToken cancellationToken)
    {
        var server = Own(await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(1)));
        var client = Own(new GrowthBookClient(new GrowthBookClientOptions { ApiHost = server.BaseUrl, ClientKey = CapturedOutput.ClientKey, RemoteEval = true }, loggerFactory: CapturedOutput.CreateLoggerFactory()));
        await client.InitializeAsync(cancellationToken);
        var user = VersionedPayload.User(1);
        foreach (var fault in new FeaturesFault?[] { null, new FeaturesFault.Status(500), new FeaturesFault.InvalidJson(), new FeaturesFault.Abort() })
        {
            server.EvalFault = fault;
            try
            {
                // A new attribute value each time, so each call is a new remote evaluation rather than a cached answer.
                var result = await client.EvalFeatureAsync("f0", new UserContext { Attributes = user.Attributes.With("n", Counter.Iterations) }, cancellationToken);
                Assert.That(result.Key, Is.EqualTo("f0"));
            }
            catch (Exception e) when (e is not AssertionException)
            {
                CapturedOutput.Seen(e);
            }

            Counter.Add();
        }

        AssertNoLeaks();
    }

    [Test]
    [Order(1)]
    public void InvalidOptions_ExplainWithoutRepeatingTheKeys()
    {
        var decryptionKey = CapturedOutput.Register(TestPayloads.NewKey());
        var error = Assert.Throws<ArgumentException>(() => _ = new GrowthBookClient(new GrowthBookClientOptions
        {
            ClientKey = CapturedOutput.ClientKey,
            ApiHost = "ftp://" + CapturedOutput.ClientKey,
            StreamingHost = "not a url " + decryptionKey,
            DecryptionKey = decryptionKey,
            RemoteEval = true,
        }));
        CapturedOutput.Seen(error);
        Counter.Add();
        AssertNoLeaks();
    }

    [Test]
    [Order(2)] // after the others (tests with an order run before those without, so all have one)
    public void NothingCapturedSoFar_HoldsASecret() => AssertNoLeaks();

    private static void AssertNoLeaks()
    {
        var leaks = CapturedOutput.FindLeaks();
        Assert.That(leaks, Is.Empty, $"{leaks.Count} captured texts held a secret (shown as <SECRET>)");
    }

    private static GrowthBookClientOptions Options(FakeGrowthBookServer server, RefreshStrategy strategy, string? decryptionKey) => new()
    {
        ApiHost = server.BaseUrl,
        ClientKey = CapturedOutput.ClientKey,
        DecryptionKey = decryptionKey,
        RefreshStrategy = strategy,
        RequestTimeout = TimeSpan.FromSeconds(5),
        InitializationTimeout = TimeSpan.FromSeconds(2),
    };

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
