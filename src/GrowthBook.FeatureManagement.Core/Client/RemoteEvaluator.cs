using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// Remote evaluation (ENGINE-NOTES §3): <c>POST /api/eval/{clientKey}</c> with the user's attributes, forced
/// variations, forced features and URL; the answer is a payload of already-evaluated features, compiled and cached
/// per distinct request for the cache TTL. Failures serve the last answer for that user, else an empty payload.
/// </summary>
internal sealed class RemoteEvaluator(GrowthBookClientOptions options, HttpClient http, TimeProvider time, ILogger logger)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (GrowthBookPayload Payload, long StaleAt)> _cache = new(StringComparer.Ordinal);

    public async Task<GrowthBookPayload> GetPayloadAsync(UserContext user, CancellationToken cancellationToken)
    {
        var body = RequestBody(user);
        var key = body.ToJsonString();
        if (_cache.TryGetValue(key, out var entry) && time.GetTimestamp() < entry.StaleAt)
        {
            return entry.Payload;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            using var content = JsonContent.Create(body);
            using var response = await http.PostAsync($"{options.EffectiveApiHost}/api/eval/{options.ClientKey}", content, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the API answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (bytes.LongLength > options.MaxPayloadBytes)
            {
                throw new InvalidDataException("the remote evaluation answer is over MaxPayloadBytes");
            }

            var payload = GrowthBookPayload.Parse(bytes, new GrowthBookPayloadOptions { Logger = logger });
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear(); // bounded: many distinct users simply refetch
            }

            _cache[key] = (payload, time.GetTimestamp() + (long)(options.CacheTtl.TotalSeconds * time.TimestampFrequency));
            return payload;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"{e.GetType().Name}: {e.Message}";
            if (!string.IsNullOrEmpty(options.ClientKey))
            {
                message = message.Replace(options.ClientKey, "***", StringComparison.Ordinal);
            }

            ClientLog.RemoteEvalFailed(logger, message);
            return entry.Payload ?? GrowthBookPayload.Empty;
        }
    }

    // {attributes, forcedVariations, forcedFeatures: [[key, value], …], url}
    private static JsonObject RequestBody(UserContext user)
    {
        var forcedFeatures = new JsonArray();
        foreach (var (key, value) in user.ForcedFeatureValues ?? new Dictionary<string, object?>())
        {
            forcedFeatures.Add(new JsonArray(JsonValue.Create(key), JsonNode.Parse(Json.JsJson.FromObject(value).ToJson())));
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
