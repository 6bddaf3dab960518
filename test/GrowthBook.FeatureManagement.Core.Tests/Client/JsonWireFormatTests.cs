using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// What the client writes with its source-generated JSON metadata (docs/native-aot.md) is what reflection-based
/// System.Text.Json wrote before: feature-cache entries (shared with instances of other versions) and remote
/// evaluation requests.
/// </summary>
[TestFixture]
public sealed class JsonWireFormatTests : ClientTestBase
{
    [Test]
    public async Task DistributedFeatureCache_WritesAndReadsTheEntriesReflectionWrote()
    {
        var store = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var cache = new DistributedFeatureCache(store);
        var entry = new CachedFeatures("""{"features":{"f":{"defaultValue":"é <b>"}}}""", "W/\"etag-1\"", new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)));

        await cache.SetAsync("new", entry, TimeSpan.FromMinutes(1));
        await store.SetAsync("old", JsonSerializer.SerializeToUtf8Bytes(entry)); // as an earlier version wrote it
        await store.SetAsync("bad", "not json"u8.ToArray());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await store.GetAsync("new"), Is.EqualTo(JsonSerializer.SerializeToUtf8Bytes(entry)), "the bytes reflection wrote");
            Assert.That(await cache.GetAsync("old"), Is.EqualTo(entry));
            Assert.That(await cache.GetAsync("new"), Is.EqualTo(entry));
            Assert.That(await cache.GetAsync("bad"), Is.Null, "an unreadable entry is missing");
            Assert.That(await cache.GetAsync("absent"), Is.Null);
        });
    }

    [Test]
    public async Task RemoteEval_PostsTheBodyReflectionWrote()
    {
        var server = await StartServerAsync(TestPayloads.WithFeatures("2024-01-01T00:00:00Z", JsonNode.Parse("""{ "f": { "defaultValue": 1 } }""")!));
        var options = OptionsFor(server);
        options.RemoteEval = true;
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        var client = CreateClient(options, httpClient: http);
        await client.InitializeAsync();
        var user = new UserContext
        {
            Attributes = GrowthBookAttributes.From([new("id", "u1"), new("name", "Zoë <b> & \"co\""), new("tags", new[] { "a", "b" })]),
            ForcedVariations = new Dictionary<string, int> { ["exp"] = 1 },
            ForcedFeatureValues = new Dictionary<string, object?> { ["obj"] = new Dictionary<string, object?> { ["x"] = 1.5 }, ["text"] = "é" },
            Url = "https://example.com/é?a=1&b=<2>",
        };

        await client.EvalFeatureAsync("f", user);

        var (contentType, body) = recorder.Posts.Single();
        using var reflection = JsonContent.Create(JsonNode.Parse(body)); // the call the client made before, on the same JSON
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(body, Is.EqualTo(await reflection.ReadAsStringAsync()));
            Assert.That(contentType, Is.EqualTo(reflection.Headers.ContentType!.ToString()));
            Assert.That(body, Does.Contain("\"forcedFeatures\":[[\"obj\",{\"x\":1.5}],[\"text\",\"\\u00E9\"]]"), body);
            Assert.That(body, Does.Contain("\"forcedVariations\":{\"exp\":1}"), body);
        });
    }

    /// <summary>Records each POST's content type and body, then sends it on.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<(string ContentType, string Body)> Posts { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.Content is { } content)
            {
                var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
                lock (Posts)
                {
                    Posts.Add((content.Headers.ContentType?.ToString() ?? "", Encoding.UTF8.GetString(bytes)));
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
