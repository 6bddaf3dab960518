using System.Text.Json.Nodes;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>Remote evaluation over <c>POST /api/eval/{clientKey}</c>: answers cached per attribute set.</summary>
[TestFixture]
public sealed class RemoteEvalTests : ClientTestBase
{
    private static readonly string Rules = TestPayloads.WithFeatures("2024-01-01T00:00:00Z", JsonNode.Parse("""
        {
          "greeting": { "defaultValue": "hello", "rules": [ { "condition": { "country": "FR" }, "force": "bonjour" } ] },
          "beta": { "defaultValue": false, "rules": [ { "condition": { "id": "vip" }, "force": true } ] }
        }
        """)!);

    [Test]
    public async Task RemoteEval_ResultsAreCachedPerAttributeSet()
    {
        var server = await StartServerAsync(Rules);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        options.CacheTtl = TimeSpan.FromMilliseconds(1000);
        var client = CreateClient(options);
        await client.InitializeAsync();

        var us = await client.EvalFeatureAsync("greeting", User("u1", "US"));
        var usAgain = await client.EvalFeatureAsync("greeting", User("u1", "US")); // another UserContext, same attributes
        var fr = await client.EvalFeatureAsync("greeting", User("u2", "FR"));
        var vip = await client.EvalFeatureAsync("beta", User("vip", "US"));
        using var frScope = await client.CreateScopeAsync(User("u2", "FR"));

        Assert.Multiple(() =>
        {
            Assert.That(us.GetValue(""), Is.EqualTo("hello"));
            Assert.That(usAgain.GetValue(""), Is.EqualTo("hello"));
            Assert.That(fr.GetValue(""), Is.EqualTo("bonjour"), "the server evaluated the user's attributes");
            Assert.That(vip.On, Is.True);
            Assert.That(frScope.GetFeatureValue("greeting", ""), Is.EqualTo("bonjour"));
            Assert.That(server.EvalRequests, Is.EqualTo(3), "one POST per distinct attribute set (u1/US, u2/FR, vip/US)");
            Assert.That(server.FeatureRequests, Is.Zero, "remote evaluation does not download the rules");
            Assert.That(JsonNode.Parse(server.EvalBodies[0])!["attributes"]!["country"]!.GetValue<string>(), Is.EqualTo("US"));
        });

        // The answers expire with the cache TTL.
        await Task.Delay(options.CacheTtl + TimeSpan.FromMilliseconds(100));
        Assert.That((await client.EvalFeatureAsync("greeting", User("u1", "US"))).GetValue(""), Is.EqualTo("hello"));
        Assert.That(server.EvalRequests, Is.EqualTo(4), "an expired answer is fetched again");

        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task RemoteEval_ConcurrentCallersWithTheSameAttributes_ShareOneRequest()
    {
        var server = await StartServerAsync(Rules);
        server.EvalDelay = TimeSpan.FromMilliseconds(300);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        var client = CreateClient(options);
        await client.InitializeAsync();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await client.EvalFeatureAsync("greeting", User("u1", "FR"));
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(calls);
        var again = await client.EvalFeatureAsync("greeting", User("u1", "FR"));

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.GetValue("")), Is.All.EqualTo("bonjour"));
            Assert.That(again.GetValue(""), Is.EqualTo("bonjour"));
            Assert.That(server.EvalRequests, Is.EqualTo(1), "50 concurrent first calls for one attribute set: one POST, then the cache");
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task RemoteEval_ServerError_ServesTheUsersLastAnswer_ThenRecovers()
    {
        var server = await StartServerAsync(Rules);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        options.CacheTtl = TimeSpan.FromMilliseconds(200);
        var client = CreateClient(options);
        await client.InitializeAsync();
        Assert.That((await client.EvalFeatureAsync("greeting", User("u2", "FR"))).GetValue(""), Is.EqualTo("bonjour"));

        server.EvalFault = new FeaturesFault.Status(500);
        await Task.Delay(options.CacheTtl + TimeSpan.FromMilliseconds(100));
        var whileFailing = await client.EvalFeatureAsync("greeting", User("u2", "FR"));
        var newUserWhileFailing = await client.EvalFeatureAsync("greeting", User("u3", "DE"));

        Assert.Multiple(() =>
        {
            Assert.That(whileFailing.GetValue(""), Is.EqualTo("bonjour"), "the user's last answer is served while the API fails");
            Assert.That(newUserWhileFailing.Source, Is.EqualTo(FeatureSource.UnknownFeature), "a user never answered gets unknown features, not an exception");
            Assert.That(Logs.WithEventId(108), Has.Count.EqualTo(2), "each failed POST is logged once");
        });

        server.EvalFault = null;
        Assert.That((await client.EvalFeatureAsync("greeting", User("u3", "DE"))).GetValue(""), Is.EqualTo("hello"));
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task RemoteEval_AnswerOverTheSizeLimit_IsRefusedWithoutReadingItWhole()
    {
        const long limit = 256 * 1024;
        using var counter = new ByteCountingHandler();
        using var http = new HttpClient(counter);
        var server = await StartServerAsync(Rules);
        server.EvalFault = new FeaturesFault.Oversized(256L * 1024 * 1024, Chunked: true);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        options.MaxPayloadBytes = limit;
        var client = CreateClient(options, httpClient: http);
        await client.InitializeAsync();

        var result = await client.EvalFeatureAsync("greeting", User("u1", "US"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Source, Is.EqualTo(FeatureSource.UnknownFeature));
            Assert.That(Logs.WithEventId(108).Single().Message, Does.Contain("MaxPayloadBytes"));
            Assert.That(counter.BytesRead, Is.LessThanOrEqualTo(limit + (256 * 1024)), "the client stops reading at the limit, not at the end of a 256 MiB answer");
        });

        server.EvalFault = new FeaturesFault.Oversized(limit * 2, Chunked: false);
        _ = await client.EvalFeatureAsync("greeting", User("u2", "US"));
        Assert.That(Logs.WithEventId(108), Has.Count.EqualTo(2), "an announced Content-Length over the limit is refused too");

        server.EvalFault = null;
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task RemoteEval_FeaturesUpdatedEvent_DropsTheCachedAnswers()
    {
        var server = await StartServerAsync(Rules);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        options.RefreshStrategy = RefreshStrategy.ServerSentEvents;
        var client = CreateClient(options);
        await client.InitializeAsync();
        await Eventually(() => server.ActiveSubscribers == 1, "the stream to open");
        Assert.That((await client.EvalFeatureAsync("greeting", User("u1", "US"))).GetValue(""), Is.EqualTo("hello"));

        // The rules change; the proxy tells remote-eval clients with an empty features-updated event.
        server.SetPayload(TestPayloads.Flags("2024-02-01T00:00:00Z", ("greeting", "hi")));
        server.PushFeaturesUpdated();
        await EventuallyAsync(async () => (await client.EvalFeatureAsync("greeting", User("u1", "US"))).GetValue("") == "hi", "the cached answer to be dropped and re-POSTed");

        Assert.That(server.FeatureRequests, Is.Zero, "a remote-eval client re-POSTs; it does not download the rules");
        await DisposeAndAssertStoppedAsync(client, server);
    }

    [Test]
    public async Task RemoteEval_SynchronousEvaluation_IsRefusedWithAClearError()
    {
        var server = await StartServerAsync(Rules);
        var options = OptionsFor(server);
        options.RemoteEval = true;
        var client = CreateClient(options);
        await client.InitializeAsync();

        var eval = Assert.Throws<InvalidOperationException>(() => client.EvalFeature("greeting", User("u1")));
        var scope = Assert.Throws<InvalidOperationException>(() => client.CreateScope(User("u1")));

        Assert.Multiple(() =>
        {
            Assert.That(eval!.Message, Does.Contain("EvalFeatureAsync"));
            Assert.That(scope!.Message, Does.Contain("CreateScopeAsync"));
            Assert.That(server.TotalRequests, Is.Zero);
        });
        await DisposeAndAssertStoppedAsync(client, server);
    }
}
