using System.Collections.Concurrent;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>Loading and refreshing over <c>GET /api/features</c>: first fetch, ETag/304, TTL, dedupe, sharing.</summary>
[TestFixture]
public sealed class FetchTests : ClientTestBase
{
    private static readonly string V1 = TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"), ("flag", true));
    private static readonly string V2 = TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"), ("flag", false));

    [Test]
    public async Task FirstFetch_ServesTheNetworkPayload()
    {
        var server = await StartServerAsync(V1);
        var client = CreateClient(OptionsFor(server));
        var changes = new ChangeCounter(client);
        var before = DateTimeOffset.UtcNow;

        var result = await client.InitializeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(InitializationStatus.Network));
            Assert.That(result.Success, Is.True);
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(client.IsInitialized, Is.True);
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(client.IsOn("flag", User("u1")), Is.True);
            Assert.That(client.Payload.DateUpdated, Is.EqualTo("2024-01-01T00:00:00Z"));
            Assert.That(client.PayloadFetchedAt, Is.GreaterThanOrEqualTo(before));
            Assert.That(client.LastError, Is.Null);
            Assert.That(server.FeatureRequests, Is.EqualTo(1));
            Assert.That(server.LastIfNoneMatch, Is.Null, "nothing cached yet: no conditional request");
            Assert.That(server.SubConnections, Is.EqualTo(0), "no x-sse-support header: the client must not open /sub/");
        });
        await changes.SettledAsync();
        Assert.Multiple(() =>
        {
            Assert.That(changes.Events, Is.EqualTo(1));
            Assert.That(changes.Tokens, Is.EqualTo(1));
        });
        Assert.That(await client.InitializeAsync(), Is.SameAs(result), "a second InitializeAsync returns the first result");

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task AnUpdate_ReusesTheCompiledFeaturesItDidNotChange()
    {
        var server = await StartServerAsync(TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "blue"), ("flag", true)));
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        await client.InitializeAsync();
        var before = client.Payload;

        server.SetPayload(TestPayloads.Flags("2024-01-02T00:00:00Z", ("color", "green"), ("flag", true)));
        Assert.That(await client.RefreshAsync(), Is.True);
        var after = client.Payload;

        Assert.Multiple(() =>
        {
            Assert.That(after, Is.Not.SameAs(before));
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
            Assert.That(before.TryGetFeature("flag", out var unchanged) && after.TryGetFeature("flag", out var kept) && ReferenceEquals(unchanged, kept),
                "the unchanged feature's compiled form is the previous payload's (GrowthBookPayloadOptions.Previous)");
            Assert.That(before.TryGetFeature("color", out var old) && after.TryGetFeature("color", out var changed) && !ReferenceEquals(old, changed),
                "the changed feature is compiled anew");
        });
    }

    [Test]
    public async Task NotModified_KeepsThePayloadAndOnlyRenewsIt()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var time = NewClock();
        var client = CreateClient(options, time: time);
        var changes = new ChangeCounter(client);
        await client.InitializeAsync();
        var payload = client.Payload;
        var fetchedAt = client.PayloadFetchedAt;
        time.Advance(TimeSpan.FromSeconds(20));

        var refreshed = await client.RefreshAsync();
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refreshed, Is.True);
            Assert.That(server.FeatureRequests, Is.EqualTo(2));
            Assert.That(server.LastIfNoneMatch, Is.EqualTo(server.ETag), "the ETag of the first answer is sent back");
            Assert.That(server.NotModifiedResponses, Is.EqualTo(1));
            Assert.That(client.Payload, Is.SameAs(payload), "304: the compiled payload is reused, not rebuilt");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(client.PayloadFetchedAt, Is.EqualTo(fetchedAt + TimeSpan.FromSeconds(20)), "304 renews the payload's age");
            Assert.That(changes.Events, Is.EqualTo(1), "304 is not a change");
            Assert.That(changes.Tokens, Is.EqualTo(1));
            Assert.That(client.LastError, Is.Null);
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task TtlExpiry_ServesTheStalePayloadAndRefreshesInTheBackground()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        var changes = new ChangeCounter(client);
        await client.InitializeAsync();

        server.SetPayload(V2);
        time.Advance(options.CacheTtl - TimeSpan.FromSeconds(1));
        Assert.That(Value(client, "color"), Is.EqualTo("blue"), "fresh: served from memory");
        Assert.That(server.FeatureRequests, Is.EqualTo(1), "a fresh payload is not refetched on read");

        server.PersistentFault = new FeaturesFault.Delay(TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromSeconds(1)); // the payload goes stale
        for (var i = 0; i < 20; i++)
        {
            _ = client.Payload; // reading the payload, the status or the freshness is not an evaluation: it never fetches
            _ = client.Status;
            _ = client.IsPayloadFresh;
        }

        Assert.That(client.Status.IsRefreshing, Is.False, "reading Payload has no side effect (an evaluation would have started the fetch by now)");
        var stale = Value(client, "color");
        await Eventually(() => server.FeatureRequests == 2, "the stale read to start one background refresh");
        for (var i = 0; i < 50; i++)
        {
            Assert.That(Value(client, "color"), Is.AnyOf("blue", "green")); // reads while the refresh runs start no other
        }

        Assert.That(stale, Is.EqualTo("blue"), "a stale payload is served at once, not awaited");
        await Eventually(() => Value(client, "color") == "green" && changes.BothAtLeast(2), "the background refresh to apply the new payload (and announce it)");
        server.PersistentFault = null;
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(2), "one refresh for all the stale reads");
            Assert.That(client.PayloadSource, Is.EqualTo(PayloadSource.Network));
            Assert.That(changes.Events, Is.EqualTo(2));
            Assert.That(changes.Tokens, Is.EqualTo(2));
            Assert.That(client.LastError, Is.Null);
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ConcurrentRefreshes_ShareOneRequest()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        await client.InitializeAsync();
        server.SetPayload(V2);
        server.PersistentFault = new FeaturesFault.Delay(TimeSpan.FromMilliseconds(300));

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => client.RefreshAsync())));

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.All.True);
            Assert.That(server.FeatureRequests, Is.EqualTo(2), "32 concurrent refreshes: one request (after the first fetch)");
            Assert.That(Value(client, "color"), Is.EqualTo("green"));
        });

        server.PersistentFault = null;
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task SameDateUpdated_OnlyExtendsFreshness()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        var changes = new ChangeCounter(client);
        await client.InitializeAsync();
        var payload = client.Payload;
        var fetchedAt = client.PayloadFetchedAt;

        // Different bytes (so a new ETag and a 200), same dateUpdated: GrowthBook says nothing changed.
        server.SetPayload(TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "red"), ("flag", true)));
        time.Advance(options.CacheTtl);
        _ = Value(client, "color"); // stale read: background refresh
        await Eventually(() => server.FeatureRequests == 2 && server.InFlight == 0 && client.PayloadFetchedAt > fetchedAt, "the background refresh to finish");
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(client.Payload, Is.SameAs(payload), "same dateUpdated: the payload is kept");
            Assert.That(Value(client, "color"), Is.EqualTo("blue"));
            Assert.That(changes.Events, Is.EqualTo(1), "no change event");
            Assert.That(changes.Tokens, Is.EqualTo(1), "no change token fired");
            Assert.That(server.NotModifiedResponses, Is.EqualTo(0), "it was a 200, not a 304");
        });

        // Freshness was extended: reads within the new TTL do not fetch; the first read after it does.
        time.Advance(options.CacheTtl - TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++)
        {
            _ = Value(client, "color");
        }

        Assert.That(server.FeatureRequests, Is.EqualTo(2), "fresh again after the refresh: no fetch on read");
        time.Advance(TimeSpan.FromSeconds(1));
        _ = Value(client, "color");
        await Eventually(() => server.FeatureRequests == 3, "a read once the renewed TTL has passed to revalidate");
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ChangeNotifications_FireOncePerEffectiveChange()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        options.RefreshStrategy = RefreshStrategy.None;
        var client = CreateClient(options);
        var changes = new ChangeCounter(client);

        await client.InitializeAsync();                          // None → v1: a change
        await client.RefreshAsync();                             // 304: none
        server.SetPayload(TestPayloads.Flags("2024-01-01T00:00:00Z", ("color", "red")));
        await client.RefreshAsync();                             // same dateUpdated: none
        server.SetPayload(V2);
        await client.RefreshAsync();                             // v2: a change
        await client.RefreshAsync();                             // 304: none
        await changes.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(5));
            Assert.That(changes.Events, Is.EqualTo(2));
            Assert.That(changes.Tokens, Is.EqualTo(2));
            var list = changes.Changes.ToArray();
            Assert.That(list[0].Previous.FeatureKeys, Is.Empty);
            Assert.That(list[0].Current.DateUpdated, Is.EqualTo("2024-01-01T00:00:00Z"));
            Assert.That(list[1].Previous, Is.SameAs(list[0].Current));
            Assert.That(list[1].Current, Is.SameAs(client.Payload));
            Assert.That(list[1].Source, Is.EqualTo(PayloadSource.Network));
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task ManyConcurrentCallers_ShareOnePayloadAndOneRefresh()
    {
        var server = await StartServerAsync(V1);
        var options = OptionsFor(server);
        var time = NewClock();
        var client = CreateClient(options, time: time);
        await client.InitializeAsync();
        var first = client.Payload;
        server.SetPayload(V2);
        server.PersistentFault = new FeaturesFault.Delay(TimeSpan.FromMilliseconds(600));
        time.Advance(options.CacheTtl);

        var seen = new ConcurrentDictionary<GrowthBookPayload, int>(ReferenceEqualityComparer.Instance);
        var values = new ConcurrentBag<string>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 16).Select(n => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 100; i++)
            {
                seen.AddOrUpdate(client.Payload, 1, (_, c) => c + 1);
                values.Add(client.GetFeatureValue("color", "?", User($"user-{n}-{i}")));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(callers);
        await Eventually(() => Value(client, "color") == "green", "the single background refresh to land");
        server.PersistentFault = null;

        Assert.Multiple(() =>
        {
            Assert.That(server.FeatureRequests, Is.EqualTo(2), "1,600 stale reads from 16 callers: one refresh");
            Assert.That(seen.Keys.All(p => ReferenceEquals(p, first) || ReferenceEquals(p, client.Payload)), Is.True,
                "every caller reads the one shared payload (the old one, then the refreshed one): none is built per caller");
            Assert.That(seen.Keys.Count, Is.LessThanOrEqualTo(2));
            Assert.That(values.Distinct().Except(["blue", "green"]), Is.Empty);
        });

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task CreateScope_UsesTheSharedPayloadWithoutFetching()
    {
        var server = await StartServerAsync(V1);
        var client = CreateClient(OptionsFor(server));
        await client.InitializeAsync();
        var payload = client.Payload;

        for (var i = 0; i < 1000; i++)
        {
            using var scope = client.CreateScope(User($"user-{i}", i % 2 == 0 ? "US" : "FR"));
            Assert.That(scope.Payload, Is.SameAs(payload));
            Assert.That(scope.GetFeatureValue("color", "?"), Is.EqualTo("blue"));
        }

        Assert.That(server.FeatureRequests, Is.EqualTo(1), "1,000 scopes over a fresh payload: no fetch");
        await DisposeAndAssertStoppedAsync(client, server);
    }
}
