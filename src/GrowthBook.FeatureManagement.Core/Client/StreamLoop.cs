using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Holds the <c>GET /sub/{clientKey}</c> server-sent-events stream open (docs/engine.md, "Network API"). Any bytes count
/// as liveness (events, empty <c>data:</c> pings, comment lines); a stream silent for <see cref="IdleTimeout"/> is
/// dropped. A lost stream is reopened with capped exponential backoff (at most <see cref="ReconnectCap"/> apart),
/// sending <c>Last-Event-ID</c>; every (re)connection is reported so that one conditional fetch follows it. Events
/// larger than <see cref="GrowthBookClientOptions.MaxPayloadBytes"/> are refused. Time runs on the client's clock.
/// </summary>
internal sealed class StreamLoop(GrowthBookClientOptions options, HttpClient http, TimeProvider time, ILogger logger, IStreamListener listener)
{
    /// <summary>The longest wait between reconnection attempts, so a change made during an outage is served within a few seconds of the API answering again.</summary>
    internal static readonly TimeSpan ReconnectCap = TimeSpan.FromSeconds(4);

    private readonly string _url = $"{options.EffectiveStreamingHost}/sub/{options.ClientKey}";

    // A buffered event (with its field names and line breaks) beyond this is not a payload we would accept: the
    // connection is dropped before the parser buffers more.
    private readonly long _byteBound = (2 * options.MaxPayloadBytes) + 65_536;
    private volatile int _state = (int)StreamState.Connecting;
    private long _sinceLastEvent;
    private long _nextAttemptTicks;

    /// <summary>GrowthBook's proxy pings every 30 s; a stream with no bytes at all for this long is treated as dead.</summary>
    internal TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public StreamState State => (StreamState)_state;

    /// <summary>The id of the last event received, sent back as <c>Last-Event-ID</c> when reconnecting.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>When the next connection attempt is due while <see cref="StreamState.Reconnecting"/>.</summary>
    public DateTimeOffset? NextAttemptAt
    {
        get => _nextAttemptTicks == 0 ? null : new DateTimeOffset(Interlocked.Read(ref _nextAttemptTicks), TimeSpan.Zero);
        private set => Interlocked.Exchange(ref _nextAttemptTicks, value?.UtcTicks ?? 0);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        var retry = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            Exception problem;
            using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
            try
            {
                using var response = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                attempt = 0;
                NextAttemptAt = null;
                _state = (int)StreamState.Connected;
                Interlocked.Exchange(ref _sinceLastEvent, 0);
                ClientLog.StreamConnected(logger);
                listener.OnConnected();

                using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
                idle.CancelAfter(IdleTimeout);
                await using var body = new LivenessStream(await response.Content.ReadAsStreamAsync(reading.Token).ConfigureAwait(false), read => OnBytes(read, idle));
                var limit = options.MaxPayloadBytes;
                var parser = SseParser.Create(body, (eventType, data) => new StreamMessage(eventType, data.Length <= limit ? data.ToArray() : null, data.Length));
                await foreach (var item in parser.EnumerateAsync(reading.Token).ConfigureAwait(false))
                {
                    Interlocked.Exchange(ref _sinceLastEvent, 0);
                    if (!string.IsNullOrEmpty(parser.LastEventId))
                    {
                        LastEventId = parser.LastEventId;
                    }

                    if (parser.ReconnectionInterval > TimeSpan.Zero)
                    {
                        retry = parser.ReconnectionInterval; // the server's `retry:`, within our cap
                    }

                    Handle(item.Data);
                }

                problem = new IOException("the server closed the stream");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested)
            {
                problem = new TimeoutException($"no bytes on the stream for {IdleTimeout}");
            }
            catch (OperationCanceledException)
            {
                problem = new TimeoutException($"the stream did not answer within {options.RequestTimeout}");
            }
            catch (Exception e)
            {
                problem = e;
            }

            attempt++;
            var delay = Backoff.Delay(retry, attempt, ReconnectCap);
            NextAttemptAt = time.GetUtcNow() + delay;
            _state = (int)StreamState.Reconnecting;
            Telemetry.GrowthBookInstruments.RecordStreamReconnect();
            ClientLog.StreamLost(logger, ClientLog.Describe(problem, options.ClientKey), delay, attempt);
            listener.OnLost(problem);
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<HttpResponseMessage> ConnectAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (LastEventId is { } lastEventId)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var deadline = new CancellationTokenSource(options.RequestTimeout, time);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connecting.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new HttpRequestException($"the stream answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }
        }

        return response;
    }

    private void OnBytes(int read, CancellationTokenSource idle)
    {
        idle.CancelAfter(IdleTimeout);
        listener.OnActivity();
        if (Interlocked.Add(ref _sinceLastEvent, read) > _byteBound)
        {
            throw new InvalidDataException($"a stream event is over the {options.MaxPayloadBytes}-byte limit (MaxPayloadBytes)");
        }
    }

    private void Handle(StreamMessage message)
    {
        if (message.EventType == "features-updated")
        {
            listener.OnFeaturesUpdated();
        }
        else if (message.EventType != "features")
        {
            // Pings (an empty `data:`) and events of other types: liveness only.
        }
        else if (message.Data is null)
        {
            ClientLog.StreamEventTooLarge(logger, message.Length, options.MaxPayloadBytes);
        }
        else if (!IsWhiteSpace(message.Data))
        {
            listener.OnFeatures(message.Data);
        }
    }

    private static bool IsWhiteSpace(ReadOnlySpan<byte> data) => data.Trim(" \t\r\n"u8).IsEmpty;

    /// <summary>One event as parsed: its type and data (null when over the size limit).</summary>
    private sealed record StreamMessage(string EventType, byte[]? Data, int Length);
}
