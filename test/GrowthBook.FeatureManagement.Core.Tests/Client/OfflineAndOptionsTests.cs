using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>The offline bootstrap file, the decryption key from the environment, and misbehaving listeners.</summary>
[TestFixture]
[NonParallelizable] // changes a process-wide environment variable
public sealed class OfflineAndOptionsTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"));

    /// <summary>Time for every file-system event of one write to arrive and be handled (the client waits 100 ms per event).</summary>
    private static readonly TimeSpan FileEventsSettle = TimeSpan.FromMilliseconds(500);

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

    [Test]
    public async Task BootstrapFile_IsWatched_AndReloadedOncePerChange()
    {
        var file = Path.Combine(_dir.FullName, "features.json");
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2023-12-01T00:00:00Z", ("color", "grey")));
        var client = CreateClient(new GrowthBookClientOptions { BootstrapFile = file });
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

        // Edited in place.
        await File.WriteAllTextAsync(file, V1);
        await Eventually(() => Value(client, "color") == "blue", "the edited file to be reloaded");
        await Task.Delay(FileEventsSettle);
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(changes.Events, Is.EqualTo(2), "one write, one change event (however many file events it raised)");
            Assert.That(changes.Tokens, Is.EqualTo(2), "one write, one change-token callback");
        });

        // Half-written (or broken) content is not applied: the last good file stays.
        await File.WriteAllTextAsync(file, """{"features": {"color": {"defaultValue": """);
        await Eventually(() => Logs.AtLeast(LogLevel.Warning).Count > 0, "the broken file to be reported");
        await Task.Delay(FileEventsSettle);
        Assert.That(Value(client, "color"), Is.EqualTo("blue"));

        // Replaced atomically (written elsewhere, renamed over it), as deployment tools do.
        var temp = Path.Combine(_dir.FullName, "features.json.tmp");
        await File.WriteAllTextAsync(temp, V2);
        File.Move(temp, file, overwrite: true);
        await Eventually(() => Value(client, "color") == "green", "the replaced file to be reloaded");
        await Task.Delay(FileEventsSettle);
        await changes.SettledAsync();
        Assert.That(changes.Events, Is.EqualTo(3));

        // After dispose the file is no longer watched.
        await client.DisposeAsync();
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-03T00:00:00Z", ("color", "red")));
        await Task.Delay(FileEventsSettle);
        Assert.Multiple(() =>
        {
            Assert.That(changes.Events, Is.EqualTo(3), "a disposed client does not reload");
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
        });
    }

    [Test]
    public async Task BootstrapFile_ChangedWhileTheClientIsDisposed_LeavesNoFaultedTask()
    {
        var file = Path.Combine(_dir.FullName, "features.json");
        await File.WriteAllTextAsync(file, V1);
        for (var i = 0; i < 10; i++)
        {
            var client = CreateClient(new GrowthBookClientOptions { BootstrapFile = file });
            await client.InitializeAsync();
            await File.WriteAllTextAsync(file, i % 2 == 0 ? V2 : V1); // a reload is pending…
            await Task.Delay(i * 15);
            await client.DisposeAsync();                             // …when the client goes away
        }

        await Task.Delay(FileEventsSettle); // the teardown then checks for unobserved task exceptions
        Assert.That(Logs.AtLeast(LogLevel.Warning), Is.Empty, string.Join(" / ", Logs.AtLeast(LogLevel.Warning)));
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
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);
        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Network));

        // An older export: the bootstrap is a fallback, it never rolls the API's payload back.
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-01T12:00:00Z", ("color", "grey")));
        await Eventually(() => Logs.WithEventId(113).Count > 0, "the reloaded file to be judged older than the API's payload");
        Assert.Multiple(() =>
        {
            Assert.That(Value(client, "color"), Is.EqualTo("green"), "the bootstrap is a fallback, not an override");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
        });

        // A newer one (the API still serves an older payload): the newest payload wins, and the API's older one,
        // fetched again, does not roll it back.
        await File.WriteAllTextAsync(file, TestPayloads.Flags("2024-01-09T00:00:00Z", ("color", "red")));
        await Eventually(() => Value(client, "color") == "red", "the newer file to be served");
        Assert.That(await client.RefreshAsync(), Is.True);
        await Task.Delay(FileEventsSettle);
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
}
