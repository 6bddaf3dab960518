using System.Text;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// <see cref="GrowthBookClientOptions.CustomPayloadSource"/>: a source of the app's own replaces the API, the cache and
/// the bootstrap; its offers go through the payload store, so the newest <c>dateUpdated</c> wins and every change is
/// announced (docs/client.md, "A payload source of your own").
/// </summary>
[TestFixture]
public sealed class CustomPayloadSourceTests : ClientTestBase
{
    [Test]
    public async Task Offers_AreServedAtOnce_NewestDateUpdatedWins_AndEachChangeIsAnnounced()
    {
        var source = new ManualSource(TestPayloads.Flags("2025-01-01T00:00:00Z", ("color", "blue")));
        var client = CreateClient(new GrowthBookClientOptions { CustomPayloadSource = source });
        var changes = new ChangeCounter(client);

        var result = await client.InitializeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(new InitializationResult(InitializationStatus.Custom, PayloadSource.Custom)));
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(client.Status.IsOnline, Is.False);
            Assert.That(client.Status.IsFresh, Is.True, "a custom source keeps its payload current");
        });

        // Served from the moment Offer returns: no wait.
        Assert.That(source.Offer(TestPayloads.Flags("2025-01-01T00:00:02Z", ("color", "green"))), Is.True);
        Assert.That(Value(client, "color"), Is.EqualTo("green"));

        // An older payload is ignored; the same dateUpdated is no change; invalid JSON is refused and logged.
        Assert.That(source.Offer(TestPayloads.Flags("2025-01-01T00:00:01Z", ("color", "red"))), Is.False);
        Assert.That(source.Offer(TestPayloads.Flags("2025-01-01T00:00:02Z", ("color", "red"))), Is.True);
        Assert.That(source.Offer("{not json"), Is.False);
        Assert.That(Value(client, "color"), Is.EqualTo("green"));

        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(changes.Events, Is.EqualTo(2), "the first payload and the newer one");
            Assert.That(changes.Tokens, Is.EqualTo(2));
            Assert.That(changes.Changes.Select(c => c.Source), Is.All.EqualTo(PayloadSource.Custom));
            Assert.That(Logs.WithEventId(102), Has.Count.EqualTo(1), "the invalid payload, logged once");
        });
    }

    [Test]
    public async Task WithAClientKeyAndABootstrap_TheApiIsNeverAsked_AndTheBootstrapNeverServed()
    {
        var server = await StartServerAsync(TestPayloads.Flags("2030-01-01T00:00:00Z", ("color", "from-api")));
        var source = new ManualSource(TestPayloads.Flags("2025-01-01T00:00:00Z", ("color", "from-source")));
        var options = OptionsFor(server);
        options.CustomPayloadSource = source;
        options.BootstrapPayload = TestPayloads.Flags("2031-01-01T00:00:00Z", ("color", "from-bootstrap"));
        options.RefreshStrategy = RefreshStrategy.Polling;
        options.CacheTtl = TimeSpan.FromMilliseconds(1);
        var time = NewClock();
        var client = CreateClient(options, time: time);

        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Custom));
        Assert.That(await client.RefreshAsync(), Is.False, "nothing to fetch");
        for (var i = 0; i < 20; i++)
        {
            time.Advance(options.PollingInterval); // a polling interval each step, the payload stale throughout
            Assert.That(Value(client, "color"), Is.EqualTo("from-source")); // evaluations of a stale payload would revalidate
        }

        // The control: the same options and the same clock steps without the source do ask the API.
        var controlServer = await StartServerAsync(TestPayloads.Flags("2030-01-01T00:00:00Z", ("color", "from-api")));
        var controlOptions = OptionsFor(controlServer);
        controlOptions.RefreshStrategy = RefreshStrategy.Polling;
        controlOptions.CacheTtl = options.CacheTtl;
        var controlTime = NewClock();
        var control = CreateClient(controlOptions, time: controlTime);
        await control.InitializeAsync();
        await AdvanceUntil(controlTime, () => controlServer.FeatureRequests >= 2, "the control client to poll", options.PollingInterval);

        Assert.That(server.TotalRequests, Is.Zero);
    }

    [Test]
    public async Task ASourceThatThrows_LeavesTheClientWithoutAPayload_LoggedAndReported_NeverThrown()
    {
        var failure = new InvalidOperationException("the source broke");
        var client = CreateClient(new GrowthBookClientOptions { CustomPayloadSource = new ThrowingSource(failure) });

        var result = await client.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Failed));
            Assert.That(result.Error, Is.SameAs(failure));
            Assert.That(client.LastError, Is.SameAs(failure));
            Assert.That(client.Status.Source, Is.EqualTo(PayloadSource.None));
            Assert.That(Logs.WithEventId(115).Single().Exception, Does.Contain("the source broke"));
        });
    }

    [Test]
    public async Task ASlowSource_TimesOutTheInitialisation_AndWhatItOffersLaterIsServed()
    {
        var clock = NewClock();
        var source = new ManualSource(initial: null) { Connected = new TaskCompletionSource() };
        var client = CreateClient(new GrowthBookClientOptions { CustomPayloadSource = source, InitializationTimeout = TimeSpan.FromSeconds(2) }, time: clock);

        var initializing = client.InitializeAsync();
        await Eventually(() => source.Sink is not null, "the source to be asked");
        Assert.That(initializing.IsCompleted, Is.False, "InitializeAsync waits for the source");
        clock.Advance(TimeSpan.FromSeconds(2));
        var result = await initializing.WaitAsync(WaitLimit);
        Assert.That(result.Status, Is.EqualTo(InitializationStatus.TimedOut));

        Assert.That(source.Offer(TestPayloads.Flags("2025-01-01T00:00:00Z", ("color", "late"))), Is.True);
        Assert.That(Value(client, "color"), Is.EqualTo("late"));
    }

    [Test]
    public async Task Disposing_TheClient_DisconnectsTheSource_AndRefusesLaterOffers()
    {
        var source = new ManualSource(TestPayloads.Flags("2025-01-01T00:00:00Z", ("color", "blue")));
        var client = CreateClient(new GrowthBookClientOptions { CustomPayloadSource = source });
        await client.InitializeAsync();
        Assert.That(source.Sink!.Disconnected.IsCancellationRequested, Is.False);

        await client.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(source.Sink.Disconnected.IsCancellationRequested, Is.True);
            Assert.That(source.Offer(TestPayloads.Flags("2025-01-02T00:00:00Z", ("color", "green"))), Is.False);
        });
    }

    [Test]
    public async Task AnEncryptedOffer_IsDecryptedWithTheClientsKey()
    {
        var key = NewDecryptionKey();
        var source = new ManualSource(TestPayloads.EncryptedFlags(key, "2025-01-01T00:00:00Z", ("color", "secret-blue")));
        var client = CreateClient(new GrowthBookClientOptions { CustomPayloadSource = source, DecryptionKey = key });

        await client.InitializeAsync();

        Assert.That(Value(client, "color"), Is.EqualTo("secret-blue"));
    }

    [Test]
    public void Options_WithOnlyACustomSource_AreValid()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new GrowthBookClientOptions { CustomPayloadSource = new ManualSource(null) }.Validate(), Is.Empty);
            Assert.That(new GrowthBookClientOptions().Validate(), Is.Not.Empty, "without any source the options still say what to set");
        });
    }

    /// <summary>A source the test drives: offers a first payload on connect (if any), then whatever the test offers.</summary>
    private sealed class ManualSource(string? initial) : IGrowthBookPayloadSource
    {
        public IGrowthBookPayloadSink? Sink { get; private set; }

        /// <summary>When set, connecting completes only when the test completes it.</summary>
        public TaskCompletionSource? Connected { get; init; }

        public async ValueTask ConnectAsync(IGrowthBookPayloadSink sink, CancellationToken cancellationToken)
        {
            Sink = sink;
            if (initial is not null)
            {
                sink.Offer(Encoding.UTF8.GetBytes(initial));
            }

            if (Connected is { } connected)
            {
                await connected.Task.WaitAsync(cancellationToken);
            }
        }

        public bool Offer(string json) => Sink!.Offer(Encoding.UTF8.GetBytes(json));
    }

    private sealed class ThrowingSource(Exception failure) : IGrowthBookPayloadSource
    {
        public ValueTask ConnectAsync(IGrowthBookPayloadSink sink, CancellationToken cancellationToken) => ValueTask.FromException(failure);
    }
}
