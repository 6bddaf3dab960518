using GrowthBook.FeatureManagement.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>The offline bootstrap file, the decryption key from the environment, and misbehaving listeners.</summary>
[TestFixture]
[NonParallelizable] // changes a process-wide environment variable
public sealed class OfflineAndOptionsTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));

    private DirectoryInfo _dir = null!;
    private string? _savedKeyVariable;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("growthbook-client-tests-");
        _savedKeyVariable = Environment.GetEnvironmentVariable(GrowthBookClientOptions.DecryptionKeyEnvironmentVariable);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        Environment.SetEnvironmentVariable(GrowthBookClientOptions.DecryptionKeyEnvironmentVariable, _savedKeyVariable);
        _dir.Delete(recursive: true);
    }

    // The client waits BootstrapSource.Settle after each file event before reading the file, on its clock: these tests
    // hold a fake clock, so a reload runs only when the test has seen its event arrive and moves the clock past the wait.
    // The only real-time waits are bounded polls for the OS to deliver file events (and for the reloads to finish).

    [Test]
    public async Task BootstrapFile_IsWatched_AndReloadedOncePerChange()
    {
        var file = Path.Combine(_dir.FullName, "features.json");
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2023-12-01T00:00:00Z", ("color", "grey")));
        var clock = NewClock();
        var client = CreateClient(new GrowthBookClientOptions { BootstrapFile = file }, time: clock);
        var changes = new ChangeCounter(client);

        var result = await client.InitializeAsync();
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Bootstrap));
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
            Assert.That(Value(client, "color"), Is.EqualTo("grey"));
            Assert.That(changes.Events, Is.EqualTo(1));
        });

        // Edited in place: reloaded once the settle time has passed after the edit's first event. Every event of the
        // write and the fence's rename (the same content again) are then handled: more than one file event, one change.
        var before = client.BootstrapFileEvents.Received;
        await ChangeFileAsync(client, clock, () => File.WriteAllTextAsync(file, V1), "the in-place edit");
        await Eventually(() => Value(client, "color") == "blue", "the edited file to be reloaded");
        var handled = await HandleEveryFileEventAsync(client, clock, file);
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(handled - before, Is.GreaterThanOrEqualTo(2), "file events handled for the write and the fence");
            Assert.That(changes.Events, Is.EqualTo(2), "one write, one change event (however many file events it raised)");
            Assert.That(changes.Tokens, Is.EqualTo(2), "one write, one change-token callback");
        });

        // Half-written (or broken) content is read, reported and not applied: the last good file stays.
        await ChangeFileAsync(client, clock, () => File.WriteAllTextAsync(file, """{"features": {"color": {"defaultValue": """), "the broken write");
        await Eventually(() => Logs.AtLeast(LogLevel.Warning).Count > 0, "the broken file to be read and reported");
        await HandleEveryFileEventAsync(client, clock, file);
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Logs.AtLeast(LogLevel.Warning).Select(l => l.EventId.Id), Has.All.EqualTo(102), "reported as a payload that is not valid JSON");
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(changes.Events, Is.EqualTo(2), "broken content is not a change");
        });

        // Replaced atomically (written elsewhere, renamed over it), as deployment tools do.
        var temp = Path.Combine(_dir.FullName, "features.json.tmp");
        await File.WriteAllTextAsync(temp, V2);
        await ChangeFileAsync(client, clock, () =>
        {
            File.Move(temp, file, overwrite: true);
            return Task.CompletedTask;
        }, "the replacement");
        await Eventually(() => Value(client, "color") == "green", "the replaced file to be reloaded");
        await HandleEveryFileEventAsync(client, clock, file);
        await changes.SettledAsync();
        Assert.That(changes.Events, Is.EqualTo(3));

        // A reload waiting for the settle time when the client is disposed is abandoned, and the file is no longer watched.
        var received = client.BootstrapFileEvents.Received;
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-03T00:00:00Z", ("color", "red")));
        await Eventually(() => client.BootstrapFileEvents.Received > received, "the client to receive a file event of the last write");
        Assert.That(client.BootstrapFileEvents.Pending, Is.GreaterThan(0), "a reload waits (the clock has not moved)");
        await client.DisposeAsync();
        clock.Advance(BootstrapSource.Settle);
        await Eventually(() => client.BootstrapFileEvents.Pending == 0, "the waiting reload to end");
        Assert.Multiple(() =>
        {
            Assert.That(client.WatchesBootstrapFile, Is.False, "the watcher is disposed with the client");
            Assert.That(changes.Events, Is.EqualTo(3), "a disposed client does not reload");
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
        });
    }

    [Test]
    public async Task BootstrapFile_ChangedWhileTheClientIsDisposed_LeavesNoFaultedTask()
    {
        var file = Path.Combine(_dir.FullName, "features.json");
        await File.WriteAllTextAsync(file, V1);
        var waited = 0;
        for (var i = 0; i < 9; i++)
        {
            var clock = NewClock();
            var client = CreateClient(new GrowthBookClientOptions { BootstrapFile = file }, time: clock);
            await client.InitializeAsync();
            await File.WriteAllTextAsync(file, i % 2 == 0 ? V2 : V1);
            if (i % 3 != 0)
            {
                // 1: the reload waits for the settle time; 2: it has just been let go, and reads as the client goes away.
                // (0: disposed at once, the file's events perhaps not yet delivered.)
                await Eventually(() => client.BootstrapFileEvents.Received > 0, "the client to receive a file event of the write");
                waited += client.BootstrapFileEvents.Pending > 0 ? 1 : 0;
                if (i % 3 == 2)
                {
                    clock.Advance(BootstrapSource.Settle);
                }
            }

            await client.DisposeAsync();
            clock.Advance(BootstrapSource.Settle);
            await Eventually(() => client.BootstrapFileEvents.Pending == 0, "the client's reloads to end");
            Assert.That(client.WatchesBootstrapFile, Is.False);
        }

        Assert.Multiple(() =>
        {
            Assert.That(waited, Is.EqualTo(6), "a reload was under way when each of those clients was disposed");
            Assert.That(Logs.AtLeast(LogLevel.Warning), Is.Empty, string.Join(" / ", Logs.AtLeast(LogLevel.Warning)));
        }); // the teardown then checks for unobserved task exceptions
    }

    [Test]
    public async Task BootstrapFile_OlderThanTheApisPayload_IsNotReloadedOverIt_ANewerOneIs()
    {
        var server = await StartServerAsync(V2);
        var file = Path.Combine(_dir.FullName, "features.json");
        await File.WriteAllTextAsync(file, V1);
        var options = OptionsFor(server);
        options.BootstrapFile = file;
        options.RefreshStrategy = RefreshStrategy.None;
        var clock = NewClock();
        var client = CreateClient(options, time: clock);
        var changes = new ChangeCounter(client);
        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));

        // An older export: the bootstrap is a fallback, it never rolls the API's payload back.
        await ChangeFileAsync(client, clock, () => File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-01T12:00:00Z", ("color", "grey"))), "the older export");
        await Eventually(() => Logs.WithEventId(113).Count > 0, "the reloaded file to be judged older than the API's payload");
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("green"), "the bootstrap is a fallback, not an override");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
        });

        // A newer one (the API still serves an older payload): the newest payload wins, and the API's older one,
        // fetched again, does not roll it back.
        await ChangeFileAsync(client, clock, () => File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-09T00:00:00Z", ("color", "red"))), "the newer export");
        await Eventually(() => Value(client, "color") == "red", "the newer file to be served");
        Assert.That(await client.RefreshAsync(), Is.True);
        await HandleEveryFileEventAsync(client, clock, file);
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("red"));
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Bootstrap));
            Assert.That(changes.Changes.Select(c => c.Current.DateUpdated), Is.EqualTo(new[] { "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-09T00:00:00Z" }),
                "the bootstrap at start, the API's payload, the newer file; never the older file, never the API's older payload again");
        });

        // The API publishes something newer still: it wins.
        server.SetPayload(TestPayloads.Flags("2024-01-10T00:00:00Z", ("color", "violet")));
        Assert.That(await client.RefreshAsync(), Is.True);
        Assert.That(Value(client, "color"), Is.EqualTo("violet"));
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task DecryptionKey_FallsBackToTheEnvironmentVariable_AndIsNeverLogged()
    {
        var key = NewDecryptionKey();
        var server = await StartServerAsync(TestPayloads.EncryptedFlags(key, "2024-01-01T00:00:00Z", ("color", "blue")));
        Environment.SetEnvironmentVariable(GrowthBookClientOptions.DecryptionKeyEnvironmentVariable, key);

        var client = CreateClient(OptionsFor(server)); // no DecryptionKey in the options
        var result = await client.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Network));
            Assert.That(Value(client, "color"), Is.EqualTo("blue"), "decrypted with the key from GROWTHBOOK_DECRYPTION_KEY");
        });

        // A key in the options wins over the variable.
        var wrong = NewDecryptionKey();
        var options = OptionsFor(server);
        options.DecryptionKey = wrong;
        var explicitClient = CreateClient(options);
        var failed = await explicitClient.InitializeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(InitializationStatus.Failed));
            Assert.That(failed.Error, Is.InstanceOf<GrowthBookDecryptionException>());
            Assert.That(failed.Error!.ToString(), Does.Not.Contain(wrong).And.Not.Contain(key));
            Assert.That(Logs.Lines.Select(l => l.ToString()), Has.None.Contains(key).And.None.Contains(wrong));
        });

        await DisposeAndAssertStoppedAsync(explicitClient, server);
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public void RemoteEval_WithADecryptionKey_IsRefusedWithAClearError()
    {
        var key = NewDecryptionKey();
        var options = new GrowthBookClientOptions { ApiHost = "http://127.0.0.1:1", ClientKey = NewClientKey(), RemoteEval = true, DecryptionKey = key };

        var error = Assert.Throws<ArgumentException>(() => CreateClient(options));
        Seen(error);
        Assert.That(error!.Message, Does.Contain("RemoteEval cannot be combined with a decryption key"));

        // The key from the environment counts too.
        options.DecryptionKey = null;
        Environment.SetEnvironmentVariable(GrowthBookClientOptions.DecryptionKeyEnvironmentVariable, key);
        var fromEnvironment = Assert.Throws<ArgumentException>(() => CreateClient(options));
        Seen(fromEnvironment);
        Assert.Multiple(() =>
        {
            Assert.That(fromEnvironment!.Message, Does.Contain("RemoteEval cannot be combined with a decryption key"));
            Assert.That(fromEnvironment.Message, Does.Not.Contain(key));
        });
    }

    [Test]
    public async Task AThrowingChangeListener_BreaksNeitherTheRefreshNorOtherListeners()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        client.PayloadChanged += (_, _) => throw new InvalidOperationException("listener bug");
        var changes = new ChangeCounter(client);

        var result = await client.InitializeAsync();
        server.SetPayload(V2);
        var refreshed = await client.RefreshAsync();
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Network));
            Assert.That(refreshed, Is.True, "the payload was applied: the refresh succeeded");
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
            Assert.That(changes.Events, Is.EqualTo(2), "the other listener still heard every change");
            Assert.That(changes.Tokens, Is.EqualTo(2));
            Assert.That(client.LastError, Is.Null, "a listener's bug is not a loading error");
            Assert.That(Logs.WithEventId(109), Has.Count.EqualTo(2), "each throw is logged");
            Assert.That(Logs.WithEventId(109).Select(l => l.Exception), Has.All.Contains("listener bug"));
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    /// <summary>
    /// Makes the change, waits until the client has received a file event of it (the OS delivers them when it does), and
    /// moves the clock past the settle time: the reload that event waits for runs.
    /// </summary>
    private static async Task ChangeFileAsync(GrowthBookClient client, FakeTimeProvider clock, Func<Task> change, string what)
    {
        var received = client.BootstrapFileEvents.Received;
        await change();
        await Eventually(() => client.BootstrapFileEvents.Received > received, "the client to receive a file event of " + what);
        clock.Advance(BootstrapSource.Settle);
    }

    /// <summary>
    /// Handles every file event of the changes made so far, and returns how many events the client has received. A fence
    /// first: the file's own content renamed over it. A watcher gets its events in the order they happened, so once the
    /// client has received the fence's rename it has received every event before it; the clock is then moved past the
    /// settle time and every reload is waited for.
    /// </summary>
    private static async Task<int> HandleEveryFileEventAsync(GrowthBookClient client, FakeTimeProvider clock, string file)
    {
        var renames = client.BootstrapFileEvents.Renames;
        var fence = file + ".fence";
        File.Copy(file, fence, overwrite: true);
        File.Move(fence, file, overwrite: true);
        await Eventually(() => client.BootstrapFileEvents.Renames > renames, "the client to receive the fence's rename");
        clock.Advance(BootstrapSource.Settle);
        await Eventually(() => client.BootstrapFileEvents.Pending == 0, "every file event's reload to end");
        return client.BootstrapFileEvents.Received;
    }
}
