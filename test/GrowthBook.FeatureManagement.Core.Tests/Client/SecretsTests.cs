using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// The client key and the decryption key never reach a log line (at any level) or an exception message, whatever
/// fails. (Every test in this namespace is checked the same way after it runs; this one makes everything fail.)
/// </summary>
[TestFixture]
public sealed class SecretsTests : ClientTestBase
{
    [Test]
    public async Task Keys_NeverAppearInLogsOrErrors_AcrossEveryKindOfFailure()
    {
        var key = NewDecryptionKey();
        var server = await StartServerAsync(TestPayloads.EncryptedFlags(key, "2024-01-01T00:00:00Z", ("color", "blue")));
        var options = OptionsFor(server);
        options.DecryptionKey = key;
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        var client = CreateClient(options);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");
        var errors = new List<Exception?>();
        Assert.That(await client.RefreshAsync(), Is.True, "304 (logged at Debug)");

        foreach (var fault in new FeaturesFault[]
        {
            new FeaturesFault.Status(500), new FeaturesFault.Status(404), new FeaturesFault.InvalidJson(), new FeaturesFault.Truncated(),
            new FeaturesFault.Delay(TimeSpan.FromSeconds(5)), new FeaturesFault.Abort(), new FeaturesFault.Oversized(32L * 1024 * 1024, Chunked: false),
        })
        {
            server.EnqueueFaults(fault);
            Assert.That(await client.RefreshAsync(), Is.False, fault.ToString());
            errors.Add(client.LastError);
        }

        server.SetPayload(TestPayloads.EncryptedFlags(TestPayloads.NewKey(), "2024-01-02T00:00:00Z", ("color", "green")));
        Assert.That(await client.RefreshAsync(), Is.False);
        errors.Add(client.LastError);
        server.DropStreamsMidEvent(TestPayloads.EncryptedFlags(key, "2024-01-03T00:00:00Z", ("color", "red")));
        await Eventually(() => server.SubConnections >= 2, "the stream to be reopened");
        await Eventually(() => Value(client, "color") == "red", "the client to recover");

        // A client pointed at a wrong key path, and remote evaluation against a dead host.
        var wrong = OptionsFor(server);
        wrong.ClientKey = NewClientKey();
        var wrongClient = CreateClient(wrong);
        errors.Add((await wrongClient.InitializeAsync()).Error);
        var remote = new GrowthBookClientOptions { ApiHost = $"http://127.0.0.1:{FakeGrowthBookServer.FreePort()}", ClientKey = NewClientKey(), RemoteEval = true };
        var remoteClient = CreateClient(remote);
        await remoteClient.InitializeAsync();
        _ = await remoteClient.EvalFeatureAsync("color", UserContext.Anonymous);

        var lines = Logs.Lines.Select(l => l.ToString()).ToList();
        var texts = lines.Concat(errors.OfType<Exception>().Select(e => e.ToString())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.All.Not.Null, "every failure was reported");
            Assert.That(Logs.Lines.Select(l => l.Level).Distinct(), Is.SupersetOf(new[] { LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error }), "every level was exercised");
            foreach (var secret in new[] { server.ClientKey, wrong.ClientKey, remote.ClientKey, key })
            {
                Assert.That(texts, Has.None.Contains(secret), "a key leaked into a log line or an exception");
            }
        });

        await remoteClient.DisposeAsync();
        await wrongClient.DisposeAsync();
        await DisposeAndAssertStoppedAsync(client, server); // then neither client may reach the server any more
    }
}
