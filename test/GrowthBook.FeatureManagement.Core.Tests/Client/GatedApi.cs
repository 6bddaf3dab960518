using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// An in-process GrowthBook API whose answers the test gives, one by one, when it chooses: every
/// <c>GET /api/features</c> waits as a <see cref="PendingFetch"/> until the test answers it (200 or 304), and
/// <c>GET /sub</c> answers at once with a stream the test writes events into. With a <c>FakeTimeProvider</c> this
/// puts the order in which answers reach the client entirely in the test's hands.
/// </summary>
internal sealed class GatedApi : HttpMessageHandler
{
    private readonly Channel<PendingFetch> _fetches = Channel.CreateUnbounded<PendingFetch>();
    private readonly Channel<Pipe> _streams = Channel.CreateUnbounded<Pipe>();
    private Pipe? _stream;

    /// <summary>The next features request the client sends (in order).</summary>
    public async Task<PendingFetch> NextFetchAsync() => await _fetches.Reader.ReadAsync().AsTask().WaitAsync(ClientTestBase.WaitLimitForHarness).ConfigureAwait(false);

    /// <summary>Whether a features request is waiting for an answer that nobody took yet.</summary>
    public bool HasUnansweredFetch => _fetches.Reader.Count > 0;

    /// <summary>Waits for the client to open the stream.</summary>
    public async Task StreamOpenedAsync() => _stream = await _streams.Reader.ReadAsync().AsTask().WaitAsync(ClientTestBase.WaitLimitForHarness).ConfigureAwait(false);

    /// <summary>Writes raw SSE text to the open stream.</summary>
    public async Task SendAsync(string text)
    {
        var stream = _stream ?? throw new InvalidOperationException("no stream is open");
        await stream.Writer.WriteAsync(Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
        await stream.Writer.FlushAsync().ConfigureAwait(false);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.StartsWith("/sub/", StringComparison.Ordinal))
        {
            var pipe = new Pipe();
            _streams.Writer.TryWrite(pipe);
            var content = new StreamContent(pipe.Reader.AsStream());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }

        var pending = new PendingFetch(request.Headers.IfNoneMatch.Count > 0 ? request.Headers.IfNoneMatch.ToString() : null);
        _fetches.Writer.TryWrite(pending);
        return pending.Answer.WaitAsync(cancellationToken);
    }
}

/// <summary>A features request held until the test answers it.</summary>
internal sealed class PendingFetch(string? ifNoneMatch)
{
    private readonly TaskCompletionSource<HttpResponseMessage> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The ETag the client sent, or null.</summary>
    public string? IfNoneMatch { get; } = ifNoneMatch;

    public Task<HttpResponseMessage> Answer => _answer.Task;

    public void Ok(string payload, string etag)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        response.Headers.ETag = new EntityTagHeaderValue(etag);
        _answer.SetResult(response);
    }

    public void NotModified() => _answer.SetResult(new HttpResponseMessage(HttpStatusCode.NotModified));
}

/// <summary>A feature cache whose next read can be held until the test releases it.</summary>
internal sealed class GatedCache : IFeatureCache
{
    private CachedFeatures? _next;
    private CachedFeatures? _held;
    private TaskCompletionSource<CachedFeatures?>? _waiting;

    /// <summary>Whether a held read is waiting for <see cref="Release"/>.</summary>
    public bool ReadWaiting => Volatile.Read(ref _waiting) is { Task.IsCompleted: false };

    /// <summary>The next read (only that one) waits until <see cref="Release"/>, then returns <paramref name="entry"/>; other reads find nothing.</summary>
    public void HoldNextRead(CachedFeatures entry) => Volatile.Write(ref _next, entry);

    public void Release() => _waiting!.SetResult(_held);

    public ValueTask<CachedFeatures?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _next, null) is not { } entry)
        {
            return ValueTask.FromResult<CachedFeatures?>(null);
        }

        _held = entry;
        var waiting = new TaskCompletionSource<CachedFeatures?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiting, waiting);
        return new ValueTask<CachedFeatures?>(waiting.Task);
    }

    public ValueTask SetAsync(string key, CachedFeatures value, TimeSpan timeToLive, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
