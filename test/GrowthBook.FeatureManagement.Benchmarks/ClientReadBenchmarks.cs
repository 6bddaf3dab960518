using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// What one evaluation through <see cref="GrowthBookClient"/> pays to read the payload, in the production default
/// (a client key with stale-while-revalidate, with and without a stream) against the bootstrap-only client (the
/// baseline), on the anchor payload's default-value flag. The API is an in-process handler (no network): each online
/// client has fetched once, so its payload is fresh, and the streaming one holds an open stream.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class ClientReadBenchmarks
{
    private const int Mask = AnchorPayload.UserCount - 1;

    private UserContext[] _users = null!;
    private GrowthBookClient _bootstrapOnly = null!;
    private GrowthBookClient _revalidating = null!;
    private GrowthBookClient _streaming = null!;
    private InProcessApi _streamingApi = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var json = AnchorPayload.ReadJson();
        _users = AnchorPayload.CreateUsers();
        _bootstrapOnly = new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = json });
        _revalidating = Online(json, new InProcessApi(json, streaming: false));
        _streamingApi = new InProcessApi(json, streaming: true);
        _streaming = Online(json, _streamingApi);
        foreach (var client in new[] { _bootstrapOnly, _revalidating, _streaming })
        {
            client.InitializeAsync().GetAwaiter().GetResult();
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (_streaming.Status.Stream != StreamState.Connected || _streaming.Status.IsRefreshing)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("the streaming client did not connect");
            }

            Thread.Sleep(10);
        }

        foreach (var client in new[] { _bootstrapOnly, _revalidating, _streaming })
        {
            AnchorPayload.Verify(AnchorPayload.UserCount, (user, key) => client.EvalFeature(key, _users[user]));
        }

        if (_revalidating.Status is not { Source: PayloadSource.Network, IsFresh: true, Stream: StreamState.NotUsed })
        {
            throw new InvalidOperationException("the revalidating client must serve a fresh payload from the API, without a stream");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _streamingApi.EndStreams();
        foreach (var client in new[] { _bootstrapOnly, _revalidating, _streaming })
        {
            client.Dispose();
        }
    }

    /// <summary>An offline client on its bootstrap payload: the read costs one field test.</summary>
    [Benchmark(Baseline = true)]
    public bool BootstrapOnly() => _bootstrapOnly.IsOn(AnchorPayload.BoolFlag, _users[_next = (_next + 1) & Mask]);

    /// <summary>A client key with stale-while-revalidate, the payload fresh: no clock read, no lock per evaluation.</summary>
    [Benchmark]
    public bool ClientKeyStaleWhileRevalidate() => _revalidating.IsOn(AnchorPayload.BoolFlag, _users[_next = (_next + 1) & Mask]);

    /// <summary>The same, streaming (the API announced <c>x-sse-support</c>): the stream keeps the payload current.</summary>
    [Benchmark]
    public bool ClientKeyStreaming() => _streaming.IsOn(AnchorPayload.BoolFlag, _users[_next = (_next + 1) & Mask]);

    private static GrowthBookClient Online(string json, InProcessApi api)
        => new(new GrowthBookClientOptions { ClientKey = "sdk-benchmark", ApiHost = "http://api.invalid", BootstrapPayload = json, CacheTtl = TimeSpan.FromHours(1) }, new HttpClient(api));

    /// <summary>The GrowthBook API in process: the payload for every fetch; with streaming, an open stream that stays silent.</summary>
    private sealed class InProcessApi(string json, bool streaming) : HttpMessageHandler
    {
        private readonly List<Pipe> _streams = [];

        public void EndStreams()
        {
            lock (_streams)
            {
                foreach (var stream in _streams)
                {
                    stream.Writer.Complete();
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            if (request.RequestUri!.AbsolutePath.StartsWith("/sub/", StringComparison.Ordinal))
            {
                var pipe = new Pipe();
                lock (_streams)
                {
                    _streams.Add(pipe);
                }

                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) };
                response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            }
            else
            {
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                if (streaming)
                {
                    response.Headers.Add("x-sse-support", "enabled");
                }
            }

            return Task.FromResult(response);
        }
    }
}
