using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// Everything the SDK says, captured for the secrets scan: every log line at Trace and up (message, structured values
/// and exception), every tag, event and baggage item of every Activity of every source, and every exception a scenario
/// saw. Secrets registered here (client keys, decryption keys, secure attribute values) must never appear in any of it.
/// </summary>
internal static class CapturedOutput
{
    /// <summary>The client key every hardening scenario that talks to a server uses.</summary>
    public const string ClientKey = "sdk-SECRETclientkey123";

    /// <summary>A secure attribute value (an email) scenarios put in user attributes.</summary>
    public const string SecureEmail = "secret.person+hardening@example.com";

    // Texts are scanned as they arrive and only leaking ones are kept: load scenarios log millions of lines at Trace.
    private static readonly ConcurrentQueue<string> Leaks = new();
    private static readonly ConcurrentQueue<string> PlatformUrlTags = new();
    private static long _count;
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);
    private static readonly RecordingLoggerProvider Provider = new();
    private static ActivityListener? _listener;
    private static long _activities;

    static CapturedOutput()
    {
        Register(ClientKey);
        Register(SecureEmail);
    }

    /// <summary>Lines, tags and messages captured so far.</summary>
    public static long Count => Interlocked.Read(ref _count);

    /// <summary>Activities seen so far (of any source).</summary>
    public static long Activities => Interlocked.Read(ref _activities);

    /// <summary>Registers a value that must never be captured.</summary>
    public static string Register(string secret)
    {
        Secrets.TryAdd(secret, 0);
        return secret;
    }

    /// <summary>A logger factory at Trace whose every line is captured.</summary>
    public static ILoggerFactory CreateLoggerFactory(ILoggerProvider? also = null) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(LogLevel.Trace).AddProvider(Provider);
        if (also is not null)
        {
            b.AddProvider(also);
        }
    });

    /// <summary>The capturing provider, for hosts that build their own logging.</summary>
    public static ILoggerProvider LoggerProvider => Provider;

    /// <summary>Captures an exception a scenario saw (its full text, inner exceptions and stack included).</summary>
    public static void Seen(Exception? error)
    {
        if (error is not null)
        {
            Capture("exception: " + error);
        }
    }

    /// <summary>Captures any other text the SDK handed out (health-check descriptions and data, warnings).</summary>
    public static void Seen(string text) => Capture(text);

    /// <summary>Starts listening to every ActivitySource, recording everything each activity carries.</summary>
    public static void StartListening()
    {
        _listener ??= new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static void StopListening()
    {
        _listener?.Dispose();
        _listener = null;
    }

    /// <summary>How many <c>url.full</c> tags of .NET's HttpClient activities held a secret (the client key in GrowthBook's API paths).</summary>
    public static int PlatformUrlTagsWithSecrets => PlatformUrlTags.Count(url => Secrets.Keys.Any(secret => url.Contains(secret, StringComparison.Ordinal)));

    /// <summary>Every captured text that contained a registered secret (the secret itself replaced).</summary>
    public static IReadOnlyList<string> FindLeaks() => [.. Leaks];

    private static void Capture(string text)
    {
        Interlocked.Increment(ref _count);
        foreach (var secret in Secrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                Leaks.Enqueue(text.Replace(secret, "<SECRET>", StringComparison.Ordinal));
            }
        }
    }

    private static void Record(Activity activity)
    {
        // The fake GrowthBook server's own incoming requests are the test's side of the wire, not the SDK's telemetry.
        if (IsFakeApiRequest(activity))
        {
            return;
        }

        Interlocked.Increment(ref _activities);
        var parts = new List<string> { $"activity {activity.Source.Name} {activity.OperationName} {activity.DisplayName} {activity.StatusDescription}" };
        foreach (var tag in activity.TagObjects)
        {
            // .NET's own HttpClient instrumentation records the request URL, and GrowthBook's API has the client key in
            // its path (/api/features/{key}, /sub/{key}): no library can keep it out of that one tag. Kept apart and
            // counted (docs/hardening.md says how an app that exports HTTP traces redacts it); every other tag is scanned.
            if (activity.Source.Name == "System.Net.Http" && tag.Key == "url.full")
            {
                PlatformUrlTags.Enqueue($"{tag.Value}");
                continue;
            }

            parts.Add($"{tag.Key}={tag.Value}");
        }

        parts.AddRange(activity.Baggage.Select(b => $"{b.Key}={b.Value}"));
        foreach (var e in activity.Events)
        {
            parts.Add("event " + e.Name);
            parts.AddRange(e.Tags.Select(t => $"{t.Key}={t.Value}"));
        }

        Capture(string.Join(" ", parts));
    }

    // A request the fake API received (its paths carry the key by GrowthBook's design): the server side, not the SDK.
    private static bool IsFakeApiRequest(Activity activity)
        => activity.Kind == ActivityKind.Server
           && activity.TagObjects.Any(t => t.Value is string s && (s.Contains("/api/features/", StringComparison.Ordinal) || s.Contains("/sub/", StringComparison.Ordinal) || s.Contains("/api/eval/", StringComparison.Ordinal)));

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                Capture($"scope {category} {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // The structured values too: a secret could hide in a value the message template leaves out.
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                Capture($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {{{values}}} {exception}");
            }
        }
    }
}
