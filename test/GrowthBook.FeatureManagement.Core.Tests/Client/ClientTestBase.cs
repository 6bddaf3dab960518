using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>
/// Shared plumbing of the client tests: a recording logger at Trace, servers and clients that are always disposed,
/// bounded waits, and after every test the checks for secrets in logs and exceptions and for unobserved task
/// exceptions.
/// </summary>
public abstract class ClientTestBase
{
    /// <summary>The longest any wait in these tests may take before it fails.</summary>
    protected static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    /// <summary><see cref="WaitLimit"/>, for the test harness's own types.</summary>
    internal static TimeSpan WaitLimitForHarness => WaitLimit;

    /// <summary>How long a disposed client must stay silent to count as stopped.</summary>
    protected static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<GrowthBookClient> _clients = [];
    private readonly List<string> _secrets = [];
    private readonly List<Exception> _seenErrors = [];

    internal RecordingLoggerProvider Logs { get; private set; } = null!;

    internal ILoggerFactory LoggerFactory { get; private set; } = null!;

    [SetUp]
    public void SetUpLogging()
    {
        Logs = new RecordingLoggerProvider();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        _owned.Clear();
        _clients.Clear();
        _secrets.Clear();
        _seenErrors.Clear();
    }

    [TearDown]
    public async Task DisposeAndCheck()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        LoggerFactory.Dispose();

        var texts = Logs.Lines.Select(l => l.ToString()).ToList();
        texts.AddRange(_clients.Select(c => c.LastError?.ToString()).OfType<string>());
        texts.AddRange(_seenErrors.Select(e => e.ToString()));
        foreach (var text in texts)
        {
            ClientTestsSetUp.RecordText(text);
        }

        var leaks = texts.Where(t => _secrets.Any(s => t.Contains(s, StringComparison.Ordinal))).ToList();
        var unobserved = ClientTestsSetUp.CollectUnobserved();
        Assert.Multiple(() =>
        {
            Assert.That(leaks, Is.Empty, "a client key or decryption key appeared in a log line or exception message");
            Assert.That(unobserved, Is.Empty, "task exceptions nobody observed:\n" + string.Join("\n", unobserved));
        });
    }

    /// <summary>A new client key (a secret: it must never be logged).</summary>
    protected string NewClientKey() => Secret("sdk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant());

    /// <summary>A new decryption key (a secret: it must never be logged).</summary>
    protected string NewDecryptionKey() => Secret(TestPayloads.NewKey());

    /// <summary>Registers a secret checked against every log line and exception after the test.</summary>
    protected string Secret(string secret)
    {
        _secrets.Add(secret);
        ClientTestsSetUp.RegisterSecret(secret);
        return secret;
    }

    /// <summary>An exception the test saw (for example from a constructor), to be checked for secrets too.</summary>
    protected void Seen(Exception? error)
    {
        if (error is not null)
        {
            _seenErrors.Add(error);
        }
    }

    internal async Task<FakeGrowthBookServer> StartServerAsync(string payload, string? clientKey = null, int port = 0)
    {
        var server = await FakeGrowthBookServer.StartAsync(clientKey ?? NewClientKey(), payload, port);
        _owned.Add(server);
        return server;
    }

    /// <summary>A clock that moves only when the test says so (2025-01-01 to start).</summary>
    protected static Microsoft.Extensions.Time.Testing.FakeTimeProvider NewClock() => new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Options pointing at the server, with short timings.</summary>
    internal static GrowthBookClientOptions OptionsFor(FakeGrowthBookServer server) => new()
    {
        ApiHost = server.BaseUrl,
        ClientKey = server.ClientKey,
        CacheTtl = TimeSpan.FromSeconds(60),
        PollingInterval = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(5),
        InitializationTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A client logging to <see cref="Logs"/>; disposed after the test if the test did not.</summary>
    protected GrowthBookClient CreateClient(GrowthBookClientOptions options, IFeatureCache? cache = null, HttpClient? httpClient = null, TimeProvider? time = null)
    {
        var client = new GrowthBookClient(options, httpClient, cache, LoggerFactory, time);
        _owned.Add(client);
        _clients.Add(client);
        return client;
    }

    /// <summary>Keeps something disposable until the end of the test.</summary>
    protected T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected static UserContext User(string id, string? country = null)
    {
        var attributes = new Dictionary<string, object?> { ["id"] = id };
        if (country is not null)
        {
            attributes["country"] = country;
        }

        return new UserContext { Attributes = GrowthBookAttributes.From(attributes) };
    }

    protected static string Value(GrowthBookClient client, string key, string fallback = "<none>")
        => client.GetFeatureValue(key, fallback, UserContext.Anonymous);

    /// <summary>Polls until the condition holds; fails with <paramref name="what"/> when it does not within the limit.</summary>
    protected static async Task Eventually(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? WaitLimit;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Moves <paramref name="time"/> on by <paramref name="step"/> at a time, giving the client a moment of real time to
    /// react after each step, until the condition holds; fails when it does not within the real-time limit. While
    /// <paramref name="holdWhile"/> holds (a request out, say, whose timeout runs on this clock) the clock stands still.
    /// </summary>
    protected static async Task AdvanceUntil(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Func<bool> condition, string what, TimeSpan step, Func<bool>? holdWhile = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > WaitLimit)
            {
                Assert.Fail($"Timed out after {WaitLimit.TotalSeconds:0.#} s (real time) waiting for: {what}");
            }

            if (holdWhile?.Invoke() != true)
            {
                time.Advance(step);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Like <see cref="Eventually"/> for a condition that must be awaited.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? WaitLimit;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Disposes the client, then checks its background work stopped: its streams are closed and no request reaches
    /// the server during <see cref="QuietPeriod"/> (several polling intervals).
    /// </summary>
    internal async Task DisposeAndAssertStoppedAsync(GrowthBookClient client, FakeGrowthBookServer server)
    {
        var watch = Stopwatch.StartNew();
        await client.DisposeAsync();
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "DisposeAsync must not wait for slow requests");
        await Eventually(() => server.ActiveSubscribers == 0 && server.InFlight == 0, "the server to see the client's streams and requests closed");
        var before = server.TotalRequests;
        await Task.Delay(QuietPeriod);
        Assert.That(server.TotalRequests, Is.EqualTo(before), "a background loop kept sending requests after DisposeAsync");
    }

    /// <summary>Counts the client's change notifications: the event and the change token (re-registered after each change).</summary>
    internal sealed class ChangeCounter
    {
        private int _events;
        private int _tokens;

        private readonly GrowthBookClient _client;

        public ChangeCounter(GrowthBookClient client)
        {
            _client = client;
            client.PayloadChanged += (_, args) =>
            {
                Interlocked.Increment(ref _events);
                Changes.Enqueue(args);
            };
            Microsoft.Extensions.Primitives.ChangeToken.OnChange(client.GetChangeToken, () => Interlocked.Increment(ref _tokens));
        }

        public int Events => Volatile.Read(ref _events);

        public int Tokens => Volatile.Read(ref _tokens);

        /// <summary>Both the event and the token have fired at least <paramref name="count"/> times (the token fires just after the event).</summary>
        public bool BothAtLeast(int count) => Events >= count && Tokens >= count;

        public System.Collections.Concurrent.ConcurrentQueue<PayloadChangedEventArgs> Changes { get; } = new();

        /// <summary>Completes once every change notification queued so far has run (they run on the client's own worker).</summary>
        public Task SettledAsync() => _client.WhenNotifiedAsync().WaitAsync(WaitLimit);
    }
}
