using System.Net.Http.Headers;
using GrowthBook.FeatureManagement.Tracking;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Sends exposures (and, with <see cref="TrackingPluginOptions.TrackFeatureUsage"/>, feature evaluations) to a
/// GrowthBook ingestor in batches — the seed's <c>GrowthBookTrackingPlugin</c>. Each batch is one
/// <c>POST {IngestorHost}/track?client_key={ClientKey}</c> with a JSON array of events in the JS SDK's format and an
/// <c>Idempotency-Key</c> header holding the batch id, the same on every retry. 5xx, 408, 429, timeouts and network
/// errors are retried; other statuses give the batch up. See docs/tracking.md for the exact body.
/// </summary>
public sealed class GrowthBookIngestorPlugin : BatchingTrackingPlugin
{
    private readonly GrowthBookIngestorOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Uri _endpoint;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Where to send and how to batch; <see cref="GrowthBookIngestorOptions.ClientKey"/> is required.</param>
    /// <param name="httpClient">The HttpClient to send with (one without request logging: the URL holds the client key); a new one when null.</param>
    /// <param name="timeProvider">Time for flush intervals and retry delays; the system clock when null.</param>
    /// <param name="logger">Where failures, retries and drops are logged (never the key or event contents).</param>
    /// <exception cref="ArgumentException">The host is not an absolute http(s) URL or the client key is missing.</exception>
    public GrowthBookIngestorPlugin(GrowthBookIngestorOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(Checked(options), timeProvider, logger)
    {
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _ownsHttpClient = httpClient is null;
        _http = httpClient ?? new HttpClient();
        _endpoint = new Uri($"{options.IngestorHost.TrimEnd('/')}/track?client_key={Uri.EscapeDataString(options.ClientKey!)}");
    }

    /// <inheritdoc />
    protected override async Task SendAsync(TrackingBatch batch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        request.Content = new ByteArrayContent(IngestorPayload.Serialize(batch.Events, _options.ExcludedAttributes));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", batch.Id);
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TrackingDeliveryException($"the ingestor did not answer within {_options.RequestTimeout}", isTransient: true);
        }
        catch (HttpRequestException e)
        {
            // Messages name the host at most, never the query string; the type and message are enough.
            throw new TrackingDeliveryException($"{e.GetType().Name}: {e.HttpRequestError}", isTransient: true);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var status = (int)response.StatusCode;
            throw new TrackingDeliveryException($"the ingestor answered {status}", isTransient: status >= 500 || status is 408 or 429);
        }
    }

    /// <inheritdoc />
    protected override ValueTask DisposeCoreAsync()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static GrowthBookIngestorOptions Checked(GrowthBookIngestorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validation.OptionsValidation.ThrowIfInvalid(new GrowthBookIngestorOptionsValidator(), options, nameof(options));
        return options;
    }
}
