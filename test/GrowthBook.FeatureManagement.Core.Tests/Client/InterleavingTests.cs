using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// Whatever order payloads reach the client in, the newest is served and each real change is announced once. Every
/// pair of the six ways a payload arrives — a 200, a 304, a stream event, a manual refresh, a bootstrap file reload,
/// a cache read — is started together and completed in both orders, with either one carrying the newer payload. The
/// API's answers are held by a <see cref="GatedApi"/> and released by the test; the clock does not move.
/// </summary>
[TestFixture]
public sealed class InterleavingTests : ClientTestBase
{
    /// <summary>How a payload (or a confirmation) reaches the client.</summary>
    public enum Arrival
    {
        /// <summary>A fetch the client makes by itself (here: asked by a <c>features-updated</c> event), answered 200.</summary>
        Ok200,

        /// <summary>A fetch answered 304 for the payload served when it was sent.</summary>
        NotModified304,

        /// <summary>A <c>features</c> event on the stream.</summary>
        StreamEvent,

        /// <summary><see cref="GrowthBookClient.RefreshAsync"/>, answered 200.</summary>
        ManualRefresh,

        /// <summary>The bootstrap file rewritten and reloaded.</summary>
        BootstrapReload,

        /// <summary>A read of the feature cache (as at start-up).</summary>
        CacheRead,
    }

    private const string Initial = "2024-01-01T00:00:00Z";

    private static bool IsFetch(Arrival a) => a is Arrival.Ok200 or Arrival.NotModified304 or Arrival.ManualRefresh;

    public static IEnumerable<TestCaseData> Pairs()
    {
        var kinds = Enum.GetValues<Arrival>();
        for (var i = 0; i < kinds.Length; i++)
        {
            for (var j = i + 1; j < kinds.Length; j++)
            {
                foreach (var firstIsNewer in new[] { false, true })
                {
                    foreach (var firstCompletes in new[] { true, false })
                    {
                        var (a, b) = (kinds[i], kinds[j]);
                        yield return new TestCaseData(a, b, firstIsNewer, firstCompletes)
                            .SetName($"{a} + {b}: {(firstIsNewer ? a : b)} newer, {(firstCompletes ? a : b)} lands first");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Pairs))]
    public async Task TheNewestPayloadWins_InEveryOrder_WithOneChangeEventPerRealChange(Arrival a, Arrival b, bool aIsNewer, bool aCompletesFirst)
    {
        await using var harness = await Harness.StartAsync(this);

        // The payload each arrival carries; a 304 carries none (it confirms what was served when it was sent). The
        // other one is then either newer than what is served, or older.
        var newer = "2024-01-03T00:00:00Z";
        var older = a == Arrival.NotModified304 || b == Arrival.NotModified304 ? "2023-06-01T00:00:00Z" : "2024-01-02T00:00:00Z";
        var dateOf = new Dictionary<Arrival, string?>
        {
            [a] = a == Arrival.NotModified304 ? null : aIsNewer ? newer : older,
            [b] = b == Arrival.NotModified304 ? null : aIsNewer ? older : newer,
        };

        var (first, second) = aCompletesFirst ? (a, b) : (b, a);
        if (IsFetch(a) && IsFetch(b))
        {
            // Two fetches cannot overlap (concurrent fetches share one request): one after the other.
            await harness.CompleteAsync(await harness.StartAsync(first, dateOf[first]));
            await harness.CompleteAsync(await harness.StartAsync(second, dateOf[second]));
        }
        else
        {
            // Both under way before either lands.
            var started = new Dictionary<Arrival, Func<Task>>
            {
                [a] = await harness.StartAsync(a, dateOf[a]),
                [b] = await harness.StartAsync(b, dateOf[b]),
            };
            await harness.CompleteAsync(started[first]);
            await harness.CompleteAsync(started[second]);
        }

        // What should have happened: each payload newer than the one served when it landed is one change.
        var served = Initial;
        var expectedChanges = new List<string>();
        foreach (var date in new[] { dateOf[first], dateOf[second] })
        {
            if (date is not null && string.CompareOrdinal(date, served) > 0)
            {
                served = date;
                expectedChanges.Add(date);
            }
        }

        await harness.Changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(harness.Client.Payload.DateUpdated, Is.EqualTo(served), "the newest payload is served");
            Assert.That(harness.Changes.Changes.Skip(harness.InitialChanges).Select(c => c.Current.DateUpdated), Is.EqualTo(expectedChanges),
                "one change event per real change, in order; none for an older payload or a 304");
            Assert.That(harness.Changes.Tokens, Is.EqualTo(harness.Changes.Events), "one change-token callback per change event");
        });
    }

    [Test]
    public async Task AFeaturesUpdatedEvent_WhileAFetchAwaitsItsAnswer_IsFollowedByAFetchOfItsOwn()
    {
        await using var harness = await Harness.StartAsync(this);
        var refresh = harness.Client.RefreshAsync();
        var sentBeforeTheChange = await harness.Api.NextFetchAsync();

        // The change is announced while that request waits. A features event behind it (the served payload again, no
        // change) shows when the stream has handled the announcement: events are handled in order.
        var offers = harness.Client.PayloadOffers;
        await harness.Api.SendAsync("event: features-updated\ndata: \n\n");
        await harness.Api.SendAsync($"event: features\ndata: {Harness.Payload(Initial)}\n\n");
        await Eventually(() => harness.Client.PayloadOffers > offers, "the stream to handle both events");

        sentBeforeTheChange.NotModified(); // the API answered from before the change
        Assert.That(await refresh.WaitAsync(WaitLimit), Is.True);
        var afterTheChange = await harness.Api.NextFetchAsync();
        const string changed = "2024-02-01T00:00:00Z";
        afterTheChange.Ok(Harness.Payload(changed), Harness.ETagOf(changed));
        await Eventually(() => harness.Client.Payload.DateUpdated == changed, "the changed payload to be served");
        await Eventually(() => !harness.Client.Status.IsRefreshing, "the fetch to land");
        Assert.That(harness.Api.HasUnansweredFetch, Is.False, "one fetch for the announcement, no more");
    }

    [Test]
    public async Task ARefresh_AfterTheAnswerArrived_MakesARequestOfItsOwn()
    {
        await using var harness = await Harness.StartAsync(this);
        const string changed = "2024-02-01T00:00:00Z";
        var changedSeen = new TaskCompletionSource<Task<bool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.PayloadChanged += (_, args) =>
        {
            if (args.Current.DateUpdated == changed)
            {
                changedSeen.TrySetResult(harness.Client.RefreshAsync()); // told of the change: asks again at once
            }
        };

        var first = harness.Client.RefreshAsync();
        (await harness.Api.NextFetchAsync()).Ok(Harness.Payload(changed), Harness.ETagOf(changed));
        Assert.That(await first.WaitAsync(WaitLimit), Is.True);
        var second = await changedSeen.Task.WaitAsync(WaitLimit);

        var own = await harness.Api.NextFetchAsync();
        Assert.That(own.IfNoneMatch, Is.EqualTo(Harness.ETagOf(changed)), "sent after the change was applied, so conditional on it");
        own.NotModified();
        Assert.That(await second.WaitAsync(WaitLimit), Is.True);
    }

    /// <summary>A client over a <see cref="GatedApi"/>, a <see cref="GatedCache"/> and a bootstrap file, initialised and streaming.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly DirectoryInfo _dir;
        private readonly GatedApi _api;
        private readonly GatedCache _cache;
        private readonly HttpClient _http;
        private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time;
        private readonly string _file;

        private Harness(DirectoryInfo dir, GatedApi api, GatedCache cache, HttpClient http, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, string file, GrowthBookClient client)
        {
            _dir = dir;
            _api = api;
            _cache = cache;
            _http = http;
            _time = time;
            _file = file;
            Client = client;
            Changes = new ChangeCounter(client);
        }

        public GrowthBookClient Client { get; }

        public GatedApi Api => _api;

        public ChangeCounter Changes { get; }

        public int InitialChanges { get; private set; }

        public static async Task<Harness> StartAsync(InterleavingTests test)
        {
            var dir = Directory.CreateTempSubdirectory("growthbook-interleaving-");
            var file = Path.Combine(dir.FullName, "features.json");
            await File.WriteAllTextAsync(file, Payload("2023-01-01T00:00:00Z"));
            var api = new GatedApi();
            var cache = new GatedCache();
            var http = new HttpClient(api);
            var time = NewClock();
            var options = new GrowthBookClientOptions
            {
                ApiHost = "http://gated.invalid",
                ClientKey = test.Secret("sdk-interleaving"),
                BootstrapFile = file,
                RefreshStrategy = RefreshStrategy.ServerSentEvents,
            };
            var client = test.CreateClient(options, cache, http, time);
            var harness = new Harness(dir, api, cache, http, time, file, client);

            // Start-up: the bootstrap, an empty cache, the API's first answer; then the stream, and the fetch after it.
            var initializing = client.InitializeAsync();
            (await api.NextFetchAsync()).Ok(Payload(Initial), ETagOf(Initial));
            Assert.That((await initializing).Status, Is.EqualTo(InitializationStatus.Network));
            await api.StreamOpenedAsync();
            var afterConnect = await api.NextFetchAsync();
            Assert.That(afterConnect.IfNoneMatch, Is.EqualTo(ETagOf(Initial)));
            afterConnect.NotModified();
            await Eventually(() => !client.Status.IsRefreshing, "the fetch after connecting to land");
            await harness.Changes.SettledAsync();
            harness.InitialChanges = harness.Changes.Events;
            Assert.That(client.Payload.DateUpdated, Is.EqualTo(Initial));
            return harness;
        }

        /// <summary>Starts an arrival (its request sent, its file written, its read begun) and returns what lands it.</summary>
        public async Task<Func<Task>> StartAsync(Arrival arrival, string? date)
        {
            switch (arrival)
            {
                case Arrival.Ok200:
                {
                    await _api.SendAsync("event: features-updated\ndata: \n\n");
                    var fetch = await _api.NextFetchAsync();
                    return () => LandFetchAsync(() => fetch.Ok(Payload(date!), ETagOf(date!)), null);
                }

                case Arrival.ManualRefresh:
                {
                    var refresh = Client.RefreshAsync();
                    var fetch = await _api.NextFetchAsync();
                    return () => LandFetchAsync(() => fetch.Ok(Payload(date!), ETagOf(date!)), refresh);
                }

                case Arrival.NotModified304:
                {
                    var refresh = Client.RefreshAsync();
                    var fetch = await _api.NextFetchAsync();
                    Assert.That(fetch.IfNoneMatch, Is.EqualTo(ETagOf(Client.Payload.DateUpdated!)), "conditional on the payload served when it was sent");
                    return () => LandFetchAsync(fetch.NotModified, refresh);
                }

                case Arrival.StreamEvent:
                    return async () =>
                    {
                        var offers = Client.PayloadOffers;
                        await _api.SendAsync($"event: features\ndata: {Payload(date!)}\n\n");
                        await Eventually(() => Client.PayloadOffers > offers, "the stream event to be judged");
                    };

                case Arrival.BootstrapReload:
                    await File.WriteAllTextAsync(_file, Payload(date!));
                    return () => Client.ReloadBootstrapFileAsync();

                default:
                {
                    _cache.HoldNextRead(new CachedFeatures(Payload(date!), ETagOf(date!), _time.GetUtcNow()));
                    var read = Client.LoadFromCacheAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
                    await Eventually(() => _cache.ReadWaiting, "the cache read to be under way");
                    return async () =>
                    {
                        _cache.Release();
                        await read.WaitAsync(WaitLimitForHarness);
                    };
                }
            }
        }

        public Task CompleteAsync(Func<Task> land) => land();

        private async Task LandFetchAsync(Action answer, Task<bool>? refresh)
        {
            answer();
            if (refresh is not null)
            {
                Assert.That(await refresh.WaitAsync(WaitLimitForHarness), Is.True);
            }

            await Eventually(() => !Client.Status.IsRefreshing, "the fetch to land");
        }

        public static string Payload(string date) => TestPayloads.Flags(date, ("color", "v" + date[..10]));

        public static string ETagOf(string date) => "\"" + date + "\"";

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            _http.Dispose();
            _api.Dispose();
            _dir.Delete(recursive: true);
        }
    }
}
