using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthBook.FeatureManagement;
using GrowthBook.FeatureManagement.AotCheck;
using GrowthBook.FeatureManagement.Benchmarks;
using Microsoft.Extensions.Caching.Distributed;

// Evaluates every feature of two bundled payloads for a few users and prints one JSON line per answer on stdout: the
// same lines from the JIT build and from the Native AOT binary show that the engine and the client answer alike under
// both (test/GrowthBook.FeatureManagement.Aot.Tests). Stderr says which runtime ran (a native binary compiles no method at
// run time; PublishAot already turns dynamic code off in the JIT build's runtimeconfig, so that flag cannot tell them apart).

var anchor = ReadResource("anchor-features.json");
var generated = LargePayloadGenerator.Generate(300);

// The anchor payload goes through the client: bootstrapped, and round-tripped through the feature cache's
// source-generated JSON, as a second instance would read it.
var cache = new DistributedFeatureCache(new DictionaryCache());
await cache.SetAsync("features", new CachedFeatures(Encoding.UTF8.GetString(anchor), "W/\"1\"", DateTimeOffset.UnixEpoch), TimeSpan.FromMinutes(1));
var cached = await cache.GetAsync("features") ?? throw new InvalidOperationException("the feature cache lost its entry");
await using var client = new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = cached.PayloadJson });
await client.InitializeAsync();

// The generated payload is evaluated by scopes over a payload compiled here.
var payload = GrowthBookPayload.Parse(generated);

using var stdout = Console.OpenStandardOutput();
var buffer = new ArrayBufferWriter<byte>();
var lines = 0;
foreach (var user in Users.All())
{
    foreach (var key in client.Payload!.FeatureKeys.Order(StringComparer.Ordinal))
    {
        Write(buffer, "anchor", user.Name, client.EvalFeature(key, user.Context));
        lines++;
    }

    using var scope = new GrowthBookScope(payload, user.Context);
    foreach (var key in payload.FeatureKeys.Order(StringComparer.Ordinal))
    {
        Write(buffer, "generated", user.Name, scope.EvalFeature(key));
        lines++;
    }

    stdout.Write(buffer.WrittenSpan);
    buffer.ResetWrittenCount();
}

// Reflection is off here (PublishAot turns it off in the JIT build's runtimeconfig too): the reflection-based reader and
// an attribute of a caller's own type are refused with an exception naming what to use, not answered with a fallback.
buffer.Write(Encoding.UTF8.GetBytes($"{{\"check\":\"reflection refused\",\"getValue\":\"{Refusals.GetValue(payload)}\",\"attribute\":\"{Refusals.Attribute()}\"}}\n"));
stdout.Write(buffer.WrittenSpan);
lines++;

Console.Error.WriteLine($"lines: {lines}");
Console.Error.WriteLine($"methods compiled at run time: {System.Runtime.JitInfo.GetCompiledMethodCount()}");
return 0;

static void Write(ArrayBufferWriter<byte> buffer, string payload, string user, FeatureResult result)
{
    using (var w = new Utf8JsonWriter(buffer))
    {
        w.WriteStartObject();
        w.WriteString("payload", payload);
        w.WriteString("user", user);
        w.WriteString("feature", result.Key);
        w.WritePropertyName("value");
        result.Value.WriteTo(w);
        w.WriteBoolean("on", result.On);
        w.WriteString("source", result.Source.ToString());
        w.WriteString("ruleId", result.RuleId);

        // The typed readers, which need no reflection.
        w.WriteBoolean("asBool", result.GetValue(false));
        w.WriteString("asString", result.GetValue("-"));
        w.WriteNumber("asInt", result.GetValue(-1));
        w.WriteNumber("asDouble", result.GetValue(-1.5));

        // A caller's type through its source-generated JsonTypeInfo, and back.
        if (result.Value.ValueKind == JsonValueKind.Object)
        {
            w.WritePropertyName("asBanner");
            JsonSerializer.Serialize(w, result.GetValue(Banner.None, AotCheckJsonContext.Default.Banner), AotCheckJsonContext.Default.Banner);
        }

        if (result.ExperimentResult is { } experiment)
        {
            w.WriteStartObject("experiment");
            w.WriteString("key", experiment.Key);
            w.WriteNumber("variationId", experiment.VariationId);
            w.WriteBoolean("inExperiment", experiment.InExperiment);
            w.WriteBoolean("hashUsed", experiment.HashUsed);
            if (experiment.Bucket is { } bucket)
            {
                w.WriteNumber("bucket", bucket);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    buffer.Write("\n"u8);
}

static byte[] ReadResource(string name)
{
    using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing");
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}

namespace GrowthBook.FeatureManagement.AotCheck
{
    /// <summary>The object-valued features' shape (LargePayloadGenerator's configs), read as a caller's type.</summary>
    internal sealed record Banner(string? Title, int MaxItems, bool ShowBanner, string[]? Colors)
    {
        public static readonly Banner None = new(null, 0, false, null);
    }

    [JsonSerializable(typeof(Banner))]
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    internal sealed partial class AotCheckJsonContext : JsonSerializerContext;

    /// <summary>Users who reach different rules: targeting, saved groups, regexes, versions, rollouts and experiments.</summary>
    internal static class Users
    {
        public static IEnumerable<(string Name, UserContext Context)> All()
        {
            yield return ("anonymous", UserContext.Anonymous);
            for (var i = 0; i < 6; i++)
            {
                var id = "user-" + (i * 13).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var attributes = GrowthBookAttributes.From(
                [
                    new("id", id),
                    new("country", i % 2 == 0 ? "US" : "DE"),
                    new("age", 15 + (i * 9)),
                    new("plan", i % 3 == 0 ? "enterprise" : "free"),
                    new("email", i % 2 == 0 ? id + "@growthbook.io" : id + "@example.org"),
                    new("appVersion", "2." + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".1"),
                    new("beta", i % 2 == 1),
                    new("browser", i == 4 ? "opera" : "chrome"),
                    new("tags", new[] { "a", "b" }),
                    new("company", new Dictionary<string, object?> { ["size"] = i * 100, ["plan"] = "business" }),
                ]);
                yield return (id, new UserContext { Attributes = attributes, Url = "https://example.com/page?i=" + id });
            }
        }
    }

    /// <summary>The two places Core needs reflection, called where it is off: what each throws.</summary>
    internal static class Refusals
    {
        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The refusal of the reflection-based reader is what is checked.")]
        [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The refusal of the reflection-based reader is what is checked.")]
        public static string GetValue(GrowthBookPayload payload)
        {
            using var scope = new GrowthBookScope(payload);
            return Thrown(() => scope.GetFeatureValue("feature-0005", Banner.None)); // an object value
        }

        public static string Attribute() => Thrown(() => GrowthBookAttributes.From([new("banner", Banner.None)]));

        private static string Thrown(Action action)
        {
            try
            {
                action();
                return "nothing";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }
    }

    /// <summary>An in-memory <see cref="IDistributedCache"/>, so the feature cache's JSON runs without a server.</summary>
    internal sealed class DictionaryCache : IDistributedCache
    {
        private readonly Dictionary<string, byte[]> _entries = [];

        public byte[]? Get(string key) => _entries.GetValueOrDefault(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => _entries[key] = value;

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => _entries.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }
    }
}
