using System.ComponentModel.DataAnnotations;
using GrowthBook.FeatureManagement.Validation;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Settings of a <see cref="GrowthBookClient"/>. Bindable from configuration (for example the <c>GrowthBook</c>
/// section of appsettings.json); see docs/configuration.md for every option and its default.
/// </summary>
public sealed class GrowthBookClientOptions : IValidatableObject
{
    /// <summary>The environment variable read when <see cref="DecryptionKey"/> is not set.</summary>
    public const string DecryptionKeyEnvironmentVariable = "GROWTHBOOK_DECRYPTION_KEY";

    /// <summary>The GrowthBook API (or proxy) base address. Default <c>https://cdn.growthbook.io</c>.</summary>
    [Required(ErrorMessage = "GrowthBook:ApiHost must be an absolute http(s) URL.")]
    [HttpUrl(ErrorMessage = "GrowthBook:ApiHost must be an absolute http(s) URL.")]
    public string ApiHost { get; set; } = "https://cdn.growthbook.io";

    /// <summary>The SDK connection's client key (<c>sdk-…</c>). Without it the client runs offline on its bootstrap payload.</summary>
    public string? ClientKey { get; set; }

    /// <summary>The key for encrypted payloads; falls back to the <c>GROWTHBOOK_DECRYPTION_KEY</c> environment variable. Never logged.</summary>
    public string? DecryptionKey { get; set; }

    /// <summary>How long a fetched payload counts as fresh. Default 60 seconds.</summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "GrowthBook:CacheTtl must be positive.")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How the payload is kept current. Default <see cref="RefreshStrategy.StaleWhileRevalidate"/>.</summary>
    public RefreshStrategy RefreshStrategy { get; set; } = RefreshStrategy.StaleWhileRevalidate;

    /// <summary>The interval of <see cref="RefreshStrategy.Polling"/>. Default 30 seconds. (A stream that is down is retried on its own capped backoff, and one fetch follows every reconnection.)</summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "GrowthBook:PollingInterval must be positive.")]
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The streaming (SSE) host; defaults to <see cref="ApiHost"/>.</summary>
    [HttpUrl(ErrorMessage = "GrowthBook:StreamingHost must be an absolute http(s) URL.")]
    public string? StreamingHost { get; set; }

    /// <summary>
    /// Evaluate on the server (<c>POST /api/eval/{clientKey}</c>) instead of locally: for connections that do not
    /// send rules to SDKs. Results are cached per attribute set. Cannot be combined with a decryption key.
    /// </summary>
    public bool RemoteEval { get; set; }

    /// <summary>A payload (GrowthBook API JSON) to serve before, or instead of, the API.</summary>
    public string? BootstrapPayload { get; set; }

    /// <summary>A file holding a payload to serve before, or instead of, the API; watched and reloaded when it changes.</summary>
    public string? BootstrapFile { get; set; }

    /// <summary>
    /// A source of payloads of your own (or the test data of GrowthBook.FeatureManagement.Testing), used instead of the
    /// API and the bootstrap: with it the client never fetches, streams, reads the feature cache or loads a bootstrap,
    /// whatever <see cref="ClientKey"/>, <see cref="BootstrapPayload"/>, <see cref="BootstrapFile"/> and
    /// <see cref="RemoteEval"/> say. <see cref="GrowthBookClient.InitializeAsync"/> connects it. Not bound from configuration.
    /// </summary>
    public IGrowthBookPayloadSource? CustomPayloadSource { get; set; }

    /// <summary>Whether the client talks to the API: a client key, and no custom payload source.</summary>
    internal bool UsesApi => CustomPayloadSource is null && !string.IsNullOrWhiteSpace(ClientKey);

    /// <summary>How long <see cref="GrowthBookClient.InitializeAsync"/> waits for the API before settling for the cache or bootstrap. Default 5 seconds.</summary>
    [TimeSpanRange("00:00:00", ErrorMessage = "GrowthBook:InitializationTimeout must not be negative.")]
    public TimeSpan InitializationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The timeout of one API request. Default 10 seconds.</summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "GrowthBook:RequestTimeout must be positive.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest payload accepted, in bytes; a larger one is refused without being read whole. Default 16 MiB.</summary>
    [Range(1L, long.MaxValue, ErrorMessage = "GrowthBook:MaxPayloadBytes must be positive.")]
    public long MaxPayloadBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a payload is kept in the feature cache as last known good, after it stops being fresh. Default 30 days.</summary>
    public TimeSpan LastKnownGoodRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Variations forced for every user (experiment key → index); a user's own forced variations win.</summary>
    public IDictionary<string, int> ForcedVariations { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>QA mode for every user: nobody is bucketed into experiments.</summary>
    public bool QaMode { get; set; }

    /// <summary>False turns experiments off for every user.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Called when a user is put in an experiment (once per user, experiment and variation, within <see cref="TrackingDedupeCapacity"/>).</summary>
    public Action<Experiment, ExperimentResult, UserContext>? OnExperimentViewed { get; set; }

    /// <summary>Called when a feature is evaluated (not for forced overrides).</summary>
    public Action<string, FeatureResult, UserContext>? OnFeatureUsage { get; set; }

    /// <summary>How many exposures the client remembers to avoid tracking one twice; memory stays bounded by it. Default 100,000.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "GrowthBook:TrackingDedupeCapacity must be positive.")]
    public int TrackingDedupeCapacity { get; set; } = 100_000;

    /// <summary>
    /// Like <see cref="OnExperimentViewed"/>, async: run on the client's background queue, never awaited by evaluation
    /// (docs/tracking.md). Exceptions are logged.
    /// </summary>
    public Func<Experiment, ExperimentResult, UserContext, CancellationToken, ValueTask>? OnExperimentViewedAsync { get; set; }

    /// <summary>Like <see cref="OnFeatureUsage"/>, async: run on the client's background queue, never awaited by evaluation. Exceptions are logged.</summary>
    public Func<string, FeatureResult, UserContext, CancellationToken, ValueTask>? OnFeatureUsageAsync { get; set; }

    /// <summary>Tracking plugins (batching senders such as <see cref="GrowthBookIngestorPlugin"/>); the client flushes and disposes them.</summary>
    public IList<ITrackingPlugin> TrackingPlugins { get; } = new List<ITrackingPlugin>();

    /// <summary>
    /// How long an evaluation waits for the sticky-bucket store to load a user's documents; past it the user is
    /// evaluated without stickiness (logged, never thrown). Default 250 ms.
    /// </summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "GrowthBook:StickyBucketTimeout must be positive.")]
    public TimeSpan StickyBucketTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the client stops calling a sticky-bucket store or feature cache that is failing (half the calls of the
    /// last second failed or timed out) before one request tries it again; meanwhile evaluation goes on without
    /// stickiness and without the cache, waiting on neither (docs/resilience.md). Default 5 seconds; at least 0.5 seconds.
    /// </summary>
    [TimeSpanRange("00:00:00.5", "1.00:00:00", ErrorMessage = "GrowthBook:StoreBreakDuration must be between 0.5 seconds and one day.")]
    public TimeSpan StoreBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The organisation's secure attribute salt (GrowthBook: Organization Settings), used to hash
    /// <see cref="SecureAttributes"/>. Never logged.
    /// </summary>
    public string? SecureAttributeSalt { get; set; }

    /// <summary>
    /// Names of <c>secureString</c> / <c>secureString[]</c> attributes the client hashes (SHA-256 of salt + value) before
    /// evaluation, so callers pass plain values. Empty (the default): nothing is hashed. Needs <see cref="SecureAttributeSalt"/>.
    /// </summary>
    public IList<string> SecureAttributes { get; set; } = new List<string>();

    /// <summary>The streaming host with the default applied and trailing slashes removed.</summary>
    internal string EffectiveStreamingHost => (StreamingHost ?? ApiHost).TrimEnd('/');

    internal string EffectiveApiHost => ApiHost.TrimEnd('/');

    internal string? EffectiveDecryptionKey
        => !string.IsNullOrEmpty(DecryptionKey) ? DecryptionKey : Environment.GetEnvironmentVariable(DecryptionKeyEnvironmentVariable) is { Length: > 0 } key ? key : null;

    /// <summary>
    /// Checks the options against every rule the client enforces (the data annotations on each option and the rules
    /// between options); returns the problems, each naming the option and saying what to set. Empty when valid. Never
    /// repeats a key or any other value.
    /// </summary>
    public IReadOnlyList<string> Validate() => OptionsValidation.Problems(new GrowthBookClientOptionsValidator(), this);

    /// <summary>The rules between options (each single option's rule is an attribute on it).</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (CustomPayloadSource is null && string.IsNullOrWhiteSpace(ClientKey) && string.IsNullOrWhiteSpace(BootstrapPayload) && string.IsNullOrWhiteSpace(BootstrapFile))
        {
            yield return new ValidationResult(
                "Set GrowthBook:ClientKey (the SDK connection's client key) or a bootstrap payload (BootstrapPayload or BootstrapFile).",
                [nameof(ClientKey), nameof(BootstrapPayload), nameof(BootstrapFile)]);
        }

        if (RemoteEval && EffectiveDecryptionKey is not null)
        {
            yield return new ValidationResult(
                "GrowthBook:RemoteEval cannot be combined with a decryption key: remote evaluation returns plain results. Remove one of them.",
                [nameof(RemoteEval), nameof(DecryptionKey)]);
        }

        if (RemoteEval && string.IsNullOrWhiteSpace(ClientKey) && CustomPayloadSource is null)
        {
            yield return new ValidationResult("GrowthBook:RemoteEval needs GrowthBook:ClientKey.", [nameof(RemoteEval), nameof(ClientKey)]);
        }

        if (SecureAttributes is { Count: > 0 } && string.IsNullOrEmpty(SecureAttributeSalt))
        {
            yield return new ValidationResult(
                "GrowthBook:SecureAttributes needs GrowthBook:SecureAttributeSalt (the organisation's secure attribute salt).",
                [nameof(SecureAttributes), nameof(SecureAttributeSalt)]);
        }
    }
}

/// <summary>
/// Validates <see cref="GrowthBookClientOptions"/> (generated from its data annotations and its rules between options,
/// without reflection): the rules <see cref="GrowthBookClient"/> enforces when built. Register it where the options come
/// from DI, with <c>ValidateOnStart</c>, so a bad setting stops the host at start.
/// </summary>
[OptionsValidator]
public sealed partial class GrowthBookClientOptionsValidator : IValidateOptions<GrowthBookClientOptions>;
