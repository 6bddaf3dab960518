using System.Net;
using System.Net.Http.Headers;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// One conditional <c>GET /api/features/{clientKey}</c> (docs/engine.md, "Network API"): <c>If-None-Match</c> with the
/// served payload's ETag, a body bounded by <see cref="GrowthBookClientOptions.MaxPayloadBytes"/>, the request bounded by
/// <see cref="GrowthBookClientOptions.RequestTimeout"/> on the client's clock, <c>Retry-After</c> read on 429 and 503.
/// It changes nothing: the caller decides what to do with the answer.
/// </summary>
internal sealed class PayloadFetcher(GrowthBookClientOptions options, HttpClient http, TimeProvider time)
{
    private readonly string _url = $"{options.EffectiveApiHost}/api/features/{options.ClientKey}";

    /// <summary>Fetches. Throws only <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<FetchAnswer> FetchAsync(string? etag, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var sseSupported = response.Headers.TryGetValues("x-sse-support", out var sse) && sse.Any(v => string.Equals(v, "enabled", StringComparison.OrdinalIgnoreCase));
            if (response.StatusCode == HttpStatusCode.NotModified && etag is not null)
            {
                return new FetchAnswer.NotModified(sseSupported);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new FetchAnswer.Failed(
                    new HttpRequestException($"the API answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode),
                    RetryAfter(response));
            }

            var body = await ReadBoundedAsync(response.Content, options.MaxPayloadBytes, linked.Token).ConfigureAwait(false);
            return new FetchAnswer.Modified(body, response.Headers.ETag?.ToString(), sseSupported);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchAnswer.Failed(new TimeoutException($"the API did not answer within {options.RequestTimeout}"), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new FetchAnswer.Failed(e, null); // anything the network stack throws: the caller logs it and keeps the payload
        }
    }

    /// <summary>Reads a response body of at most <paramref name="limit"/> bytes; a larger one is refused without being read whole.</summary>
    internal static async Task<byte[]> ReadBoundedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > limit)
        {
            throw new InvalidDataException($"the payload is {length} bytes, over the {limit}-byte limit (MaxPayloadBytes)");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"the payload is over the {limit}-byte limit (MaxPayloadBytes)");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // 429 and 503 may say when to come back (at most an hour is honoured).
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if ((int)response.StatusCode != 429 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        var wait = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        return wait is { } positive && positive > TimeSpan.Zero ? TimeSpan.FromSeconds(Math.Min(positive.TotalSeconds, 3600)) : null;
    }
}

/// <summary>How the API answered a <see cref="PayloadFetcher"/>.</summary>
internal abstract record FetchAnswer
{
    /// <summary>200 with a body (not yet parsed).</summary>
    public sealed record Modified(byte[] Body, string? ETag, bool SseSupported) : FetchAnswer;

    /// <summary>304: the payload with the ETag sent is still current.</summary>
    public sealed record NotModified(bool SseSupported) : FetchAnswer;

    /// <summary>No usable answer: an error status, a network failure, a timeout or a body over the limit.</summary>
    public sealed record Failed(Exception Error, TimeSpan? RetryAfter) : FetchAnswer;
}
