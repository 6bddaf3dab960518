using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.Json;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Remote evaluation (docs/engine.md, "Network API"): <c>POST /api/eval/{clientKey}</c> with the user's attributes, forced
/// variations, forced features and URL; the answer is a payload of already-evaluated features, compiled and cached
/// per distinct request for the cache TTL; concurrent identical requests share one POST. Failures serve the last
/// answer for that user, else an empty payload. Answers over <see cref="GrowthBookClientOptions.MaxPayloadBytes"/> are refused unread.
/// </summary>
internal sealed class RemoteEvaluator(GrowthBookClientOptions options, HttpClient http, TimeProvider time, ILogger logger)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (GrowthBookPayload Payload, long StaleAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<GrowthBookPayload>>> _inflight = new(StringComparer.Ordinal);

    public async Task<GrowthBookPayload> GetPayloadAsync(UserContext user, CancellationToken cancellationToken)
    {
        var body = RequestBody(user);
        var key = body.ToJsonString();
        if (_cache.TryGetValue(key, out var entry) && time.GetTimestamp() < entry.StaleAt)
        {
            return entry.Payload;
        }

        // Concurrent callers with the same request share one POST (as the JS SDK dedupes in-flight fetches per cache key).
        var fetch = _inflight.GetOrAdd(key, static (k, state) => new Lazy<Task<GrowthBookPayload>>(() => state.Self.FetchAsync(k, state.Body)), (Self: this, Body: body));
        return await fetch.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks every cached answer stale (the rules changed): the next call for each user POSTs again, and the old answer is only a fallback.</summary>
    public void Invalidate()
    {
        foreach (var (key, entry) in _cache)
        {
            _cache.TryUpdate(key, (entry.Payload, long.MinValue), entry);
        }
    }

    // Never throws: a failure serves the last answer for this request, else an empty payload.
    private async Task<GrowthBookPayload> FetchAsync(string key, JsonObject body)
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.EffectiveApiHost}/api/eval/{options.ClientKey}") { Content = JsonContent.Create(body, GrowthBookJsonContext.Default.JsonObject) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the API answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            var bytes = await PayloadFetcher.ReadBoundedAsync(response.Content, options.MaxPayloadBytes, timeout.Token).ConfigureAwait(false);
            var payload = GrowthBookPayload.Parse(bytes, new GrowthBookPayloadOptions { Logger = logger });
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear(); // bounded: many distinct users simply refetch
            }

            _cache[key] = (payload, time.GetTimestamp() + (long)(options.CacheTtl.TotalSeconds * time.TimestampFrequency));
            return payload;
        }
        catch (Exception e)
        {
            var message = e is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : $"{e.GetType().Name}: {e.Message}";
            if (!string.IsNullOrEmpty(options.ClientKey))
            {
                message = message.Replace(options.ClientKey, "***", StringComparison.Ordinal);
            }

            ClientLog.RemoteEvalFailed(logger, message);
            return _cache.TryGetValue(key, out var last) ? last.Payload : GrowthBookPayload.Empty;
        }
        finally
        {
            _inflight.TryRemove(key, out _);
        }
    }

    // {attributes, forcedVariations, forcedFeatures: [[key, value], …], url}
    private static JsonObject RequestBody(UserContext user)
    {
        var forcedFeatures = new JsonArray();
        foreach (var (key, value) in user.ForcedFeatureValues ?? new Dictionary<string, object?>())
        {
            forcedFeatures.Add((JsonNode)new JsonArray(JsonValue.Create(key), JsonNode.Parse(JsJson.FromObject(value).ToJson())));
        }

        var forcedVariations = new JsonObject();
        foreach (var (key, value) in user.ForcedVariations ?? new Dictionary<string, int>())
        {
            forcedVariations[key] = value;
        }

        return new JsonObject
        {
            ["attributes"] = JsonNode.Parse(user.Attributes.ToString()),
            ["forcedVariations"] = forcedVariations,
            ["forcedFeatures"] = forcedFeatures,
            ["url"] = user.Url ?? "",
        };
    }
}
