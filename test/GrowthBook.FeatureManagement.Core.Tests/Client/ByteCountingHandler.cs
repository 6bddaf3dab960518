using System.Net;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>An HTTP handler that counts the response-body bytes the client actually read.</summary>
internal sealed class ByteCountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private long _bytesRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        response.Content = new CountingContent(response.Content, this);
        return response;
    }

    private sealed class CountingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly ByteCountingHandler _owner;

        public CountingContent(HttpContent inner, ByteCountingHandler owner)
        {
            _inner = inner;
            _owner = owner;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
            => new GrowthBook.FeatureManagement.Client.LivenessStream(await _inner.ReadAsStreamAsync(cancellationToken), read => Interlocked.Add(ref _owner._bytesRead, read));

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var source = await CreateContentReadStreamAsync(CancellationToken.None);
            await source.CopyToAsync(stream);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
