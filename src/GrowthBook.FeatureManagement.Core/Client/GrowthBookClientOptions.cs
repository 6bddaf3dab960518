namespace GrowthBook.FeatureManagement;

/// <summary>
/// Settings of a <see cref="GrowthBookClient"/>. Bindable from configuration (for example the <c>GrowthBook</c>
/// section of appsettings.json); see docs/configuration.md for every option and its default.
/// </summary>
public sealed class GrowthBookClientOptions
{
    /// <summary>The environment variable read when <see cref="DecryptionKey"/> is not set.</summary>
    public const string DecryptionKeyEnvironmentVariable = "GROWTHBOOK_DECRYPTION_KEY";

    /// <summary>The GrowthBook API (or proxy) base address. Default <c>https://cdn.growthbook.io</c>.</summary>
    public string ApiHost { get; set; } = "https://cdn.growthbook.io";

    /// <summary>The SDK connection's client key (<c>sdk-…</c>). Without it the client runs offline on its bootstrap payload.</summary>
    public string? ClientKey { get; set; }

    /// <summary>The key for encrypted payloads; falls back to the <c>GROWTHBOOK_DECRYPTION_KEY</c> environment variable. Never logged.</summary>
    public string? DecryptionKey { get; set; }

    /// <summary>How long a fetched payload counts as fresh. Default 60 seconds.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How the payload is kept current. Default <see cref="RefreshStrategy.StaleWhileRevalidate"/>.</summary>
    public RefreshStrategy RefreshStrategy { get; set; } = RefreshStrategy.StaleWhileRevalidate;

    /// <summary>The interval of <see cref="RefreshStrategy.Polling"/>. Default 30 seconds. (A stream that is down is retried on its own capped backoff, and one fetch follows every reconnection.)</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The streaming (SSE) host; defaults to <see cref="ApiHost"/>.</summary>
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
    public TimeSpan InitializationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The timeout of one API request. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest payload accepted, in bytes; a larger one is refused without being read whole. Default 16 MiB.</summary>
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
    public TimeSpan StickyBucketTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the client stops calling a sticky-bucket store or feature cache that is failing (half the calls of the
    /// last second failed or timed out) before one request tries it again; meanwhile evaluation goes on without
    /// stickiness and without the cache, waiting on neither (docs/resilience.md). Default 5 seconds; at least 0.5 seconds.
    /// </summary>
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

    /// <summary>Checks the options; returns the problems, each saying what to set. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (CustomPayloadSource is null && string.IsNullOrWhiteSpace(ClientKey) && string.IsNullOrWhiteSpace(BootstrapPayload) && string.IsNullOrWhiteSpace(BootstrapFile))
        {
            problems.Add("Set GrowthBook:ClientKey (the SDK connection's client key) or a bootstrap payload (BootstrapPayload or BootstrapFile).");
        }

        if (!Uri.TryCreate(ApiHost, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
        {
            problems.Add("GrowthBook:ApiHost must be an absolute http(s) URL.");
        }

        if (StreamingHost is not null && (!Uri.TryCreate(StreamingHost, UriKind.Absolute, out var stream) || stream.Scheme is not ("http" or "https")))
        {
            problems.Add("GrowthBook:StreamingHost must be an absolute http(s) URL.");
        }

        if (RemoteEval && EffectiveDecryptionKey is not null)
        {
            problems.Add("GrowthBook:RemoteEval cannot be combined with a decryption key: remote evaluation returns plain results. Remove one of them.");
        }

        if (RemoteEval && string.IsNullOrWhiteSpace(ClientKey) && CustomPayloadSource is null)
        {
            problems.Add("GrowthBook:RemoteEval needs GrowthBook:ClientKey.");
        }

        if (CacheTtl <= TimeSpan.Zero || PollingInterval <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || InitializationTimeout < TimeSpan.Zero)
        {
            problems.Add("GrowthBook:CacheTtl, PollingInterval and RequestTimeout must be positive, InitializationTimeout not negative.");
        }

        if (MaxPayloadBytes <= 0 || TrackingDedupeCapacity <= 0)
        {
            problems.Add("GrowthBook:MaxPayloadBytes and TrackingDedupeCapacity must be positive.");
        }

        if (StickyBucketTimeout <= TimeSpan.Zero)
        {
            problems.Add("GrowthBook:StickyBucketTimeout must be positive.");
        }

        if (StoreBreakDuration < TimeSpan.FromMilliseconds(500) || StoreBreakDuration > TimeSpan.FromDays(1))
        {
            problems.Add("GrowthBook:StoreBreakDuration must be between 0.5 seconds and one day.");
        }

        if (SecureAttributes is { Count: > 0 } && string.IsNullOrEmpty(SecureAttributeSalt))
        {
            problems.Add("GrowthBook:SecureAttributes needs GrowthBook:SecureAttributeSalt (the organisation's secure attribute salt).");
        }

        return problems;
    }
}
