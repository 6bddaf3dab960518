using System.Text.Json;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using NUnit.Framework;
using StackExchange.Redis;
using static GrowthBook.FeatureManagement.Tests.StickyBucketing.StickyPayloads;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// Sticky bucketing against a real redis-server (<c>GROWTHBOOK_TEST_REDIS</c>): assignments survive a restart, app
/// instances sharing Redis agree after the experiment changes, a user's documents are one MGET (as the server's
/// MONITOR shows), and the stored documents are GrowthBook's JSON.
/// </summary>
[TestFixture]
public sealed class StickyBucketRedisTests : ClientTestBase
{
    private static readonly StickyStore[] RedisStores = [StickyStore.DistributedCacheOverRedis, StickyStore.Redis];
    private readonly List<string> _prefixes = [];

    // Per test, not per fixture: NUnit runs a fixture's one-time setup even when a filter (Category=Spec) selects none
    // of its tests, and a machine without Redis must still run the other categories.
    [SetUp]
    public async Task RequireRedis() => await TestRedis.RequireAsync();

    [TestCaseSource(nameof(RedisStores))]
    public async Task Assignments_SurviveAClientRestart(StickyStore kind)
    {
        await using var stores = new StickyStores(kind);
        var first = await StartAsync(AllControl, await stores.NewInstanceAsync());
        Assert.That((await first.EvalFeatureAsync(Feature, Visitor("u1"))).GetValue(""), Is.EqualTo("control"));
        await first.DisposeAsync();

        // A new process: new client, new connection, new payload (everyone would now get treatment).
        var restarted = await StartAsync(AllTreatment, await stores.NewInstanceAsync());
        var result = await restarted.EvalFeatureAsync(Feature, Visitor("u1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.GetValue(""), Is.EqualTo("control"));
            Assert.That(result.ExperimentResult!.StickyBucketUsed, Is.True);
        });
    }

    [TestCaseSource(nameof(RedisStores))]
    public async Task TwoInstancesSharingRedis_GiveAUserTheSameVariation_AfterTheExperimentChanges(StickyStore kind)
    {
        await using var stores = new StickyStores(kind);
        var storeA = await stores.NewInstanceAsync();
        var storeB = await stores.NewInstanceAsync();
        var a = await StartAsync(AllControl, storeA);
        Assert.That((await a.EvalFeatureAsync(Feature, Visitor("u1", country: "FR"))).GetValue(""), Is.EqualTo("control"));
        await EventuallyAsync(async () => await storeB.GetAssignmentsAsync("id", "u1") is not null, "instance A's assignment to reach Redis");

        // Instance B already serves the changed experiment: new weights, and targeting that excludes the user.
        var b = await StartAsync(Checkout(0, 1, requiredCountry: "NZ"), storeB);
        var onB = await b.EvalFeatureAsync(Feature, Visitor("u1", country: "FR"));
        var newcomerOnB = await b.EvalFeatureAsync(Feature, Visitor("u2", country: "NZ"));
        await EventuallyAsync(async () => await storeA.GetAssignmentsAsync("id", "u2") is not null, "instance B's assignment to reach Redis");
        var newcomerOnA = await a.EvalFeatureAsync(Feature, Visitor("u2", country: "NZ"));

        Assert.Multiple(() =>
        {
            Assert.That(onB.GetValue(""), Is.EqualTo("control"), "B serves what A assigned");
            Assert.That(onB.ExperimentResult!.StickyBucketUsed, Is.True);
            Assert.That(newcomerOnB.GetValue(""), Is.EqualTo("treatment"));
            Assert.That(newcomerOnA.GetValue(""), Is.EqualTo("treatment"), "A, still on the old payload, serves what B assigned");
        });
    }

    [Test]
    public async Task AllOfAUsersDocuments_AreOneMget_AsTheServerSeesIt()
    {
        var address = await TestRedis.RequireAsync();
        await using var stores = new StickyStores(StickyStore.Redis);
        var client = await StartAsync(AllControl, await stores.NewInstanceAsync());
        var shared = await TestRedis.SharedAsync();
        await using var monitor = await RedisMonitor.StartAsync(address);

        var user = Visitor("u1", deviceId: "d1");
        for (var i = 0; i < 3; i++)
        {
            await client.EvalFeatureAsync(Feature, user);
        }

        await client.DisposeAsync(); // flushes the save
        var marker = "end-" + Guid.NewGuid().ToString("N");
        await shared.GetDatabase().ExecuteAsync("ECHO", marker);
        await monitor.WaitForAsync(marker);

        var ours = monitor.Lines.Where(l => l.Contains(stores.KeyPrefix, StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ours, Has.Count.EqualTo(2), string.Join("\n", ours));
            Assert.That(ours[0], Does.Contain("\"MGET\"").And.Contain("id||u1").And.Contain("deviceId||d1"), "one MGET with the hash and the fallback attribute");
            Assert.That(ours[1], Does.Contain("\"SET\"").And.Contain("id||u1"), "then one SET of the new assignment");
        });
    }

    [Test]
    public async Task Documents_AreStoredAsGrowthBooksJson_WithTheTimeToLive_AndOtherSdksDocumentsAreRead()
    {
        var connection = await TestRedis.SharedAsync();
        var database = connection.GetDatabase();
        var prefix = NewPrefix();
        var options = new StickyBucketStoreOptions { KeyPrefix = prefix, TimeToLive = TimeSpan.FromHours(1) };
        var client = await StartAsync(AllControl, new RedisStickyBucketService(connection, options));

        // Written by another GrowthBook SDK (JSON.stringify of its document): u9 was put in treatment.
        await database.StringSetAsync(prefix + "id||u9", """{"attributeName":"id","attributeValue":"u9","assignments":{"checkout-exp__0":"1"}}""");

        var u1 = await client.EvalFeatureAsync(Feature, Visitor("u1"));
        var u9 = await client.EvalFeatureAsync(Feature, Visitor("u9"));
        await client.DisposeAsync();

        var raw = (string?)await database.StringGetAsync(prefix + "id||u1");
        Assert.That(raw, Is.Not.Null);
        using var json = JsonDocument.Parse(raw!);
        var root = json.RootElement;
        var ttl = await database.KeyTimeToLiveAsync(prefix + "id||u1");
        Assert.Multiple(() =>
        {
            Assert.That(u1.GetValue(""), Is.EqualTo("control"));
            Assert.That(u9.GetValue(""), Is.EqualTo("treatment"), "another SDK's document is honoured");
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "attributeName", "attributeValue", "assignments" }));
            Assert.That(root.GetProperty("attributeName").GetString(), Is.EqualTo("id"));
            Assert.That(root.GetProperty("attributeValue").GetString(), Is.EqualTo("u1"));
            Assert.That(root.GetProperty("assignments").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()),
                Is.EquivalentTo(new Dictionary<string, string?> { ["checkout-exp__0"] = "0" }));
            Assert.That(ttl, Is.Not.Null.And.GreaterThan(TimeSpan.FromMinutes(59)).And.LessThanOrEqualTo(TimeSpan.FromHours(1)));
        });
    }

    [Test]
    public async Task AValueThatIsNotADocument_IsTreatedAsMissing()
    {
        var connection = await TestRedis.SharedAsync();
        var prefix = NewPrefix();
        var store = new RedisStickyBucketService(connection, new StickyBucketStoreOptions { KeyPrefix = prefix });
        await connection.GetDatabase().StringSetAsync(prefix + "id||u1", "not json");
        await connection.GetDatabase().StringSetAsync(prefix + "id||u2", """{"attributeName":"id","attributeValue":"someone-else","assignments":{}}""");

        var documents = await store.GetAllAssignmentsAsync(new Dictionary<string, string> { ["id"] = "u1", ["deviceId"] = "none" });
        Assert.Multiple(async () =>
        {
            Assert.That(documents, Is.Empty);
            Assert.That(await store.GetAssignmentsAsync("id", "u2"), Is.Null, "a document under another user's key is not theirs");
        });
    }

    [Test]
    public async Task WithRedisStickyBucketing_RegistersTheStoreOverTheRegisteredConnection()
    {
        var prefix = NewPrefix();
        var services = new ServiceCollection();
        services.AddSingleton<IStickyBucketService>(new InMemoryStickyBucketService());
        services.AddSingleton<IConnectionMultiplexer>(await TestRedis.SharedAsync());
        services.AddFeatureManagement().AddGrowthBook(o => o.BootstrapPayload = "{}").WithRedisStickyBucketing(o => o.KeyPrefix = prefix);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IStickyBucketService>();
        await store.SaveAssignmentsAsync(new StickyAssignmentsDocument("id", "u1", new Dictionary<string, string> { ["e__0"] = "1" }));

        Assert.Multiple(async () =>
        {
            Assert.That(store, Is.InstanceOf<RedisStickyBucketService>(), "registered last, it is the store");
            Assert.That(provider.GetRequiredService<GrowthBookClient>(), Is.Not.Null);
            Assert.That((string?)await (await TestRedis.SharedAsync()).GetDatabase().StringGetAsync(prefix + "id||u1"), Does.Contain("\"e__0\":\"1\""));
        });
    }

    [TearDown]
    public async Task DeleteKeys()
    {
        foreach (var prefix in _prefixes)
        {
            await TestRedis.DeleteKeysAsync(prefix);
        }

        _prefixes.Clear();
    }

    private string NewPrefix()
    {
        var prefix = TestRedis.NewPrefix();
        _prefixes.Add(prefix);
        return prefix;
    }

    private async Task<GrowthBookClient> StartAsync(string payload, IStickyBucketService store)
    {
        var client = Own(NewClient(payload, store, LoggerFactory, TimeSpan.FromSeconds(5)));
        await client.InitializeAsync();
        return client;
    }
}
