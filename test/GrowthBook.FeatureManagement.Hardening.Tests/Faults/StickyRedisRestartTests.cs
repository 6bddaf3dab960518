using System.Diagnostics;
using System.Globalization;
using GrowthBook.FeatureManagement.Hardening.Support;
using NUnit.Framework;
using StackExchange.Redis;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// Sticky bucketing over Redis (<see cref="RedisStickyBucketService"/>), with a redis-server of this scenario's own
/// killed under load. Once the client's circuit breaker has seen the store failing, no request waits on Redis: the
/// latency of the requests served while the circuit is open stays that of requests with Redis up, and throughput does
/// not collapse. When Redis is back and the circuit closes, every user is sticky again on their first request, though
/// the weights changed.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class StickyRedisRestartTests
{
    private const int Users = 200;
    private const int Workers = 16;
    private const int StoreUnavailable = 110;
    private const int StoreRecovered = 112;
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(3);

    [Test]
    [CancelAfter(120_000)]
    public async Task RedisStoppedMidRun_NoRequestWaitsOnceTheBreakerIsOpen_StickinessResumesOnTheFirstRequest(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(TestRedis.SkipVariable) == "1")
        {
            Assert.Ignore($"{TestRedis.SkipVariable}=1: the Redis scenarios are skipped on purpose.");
        }

        await Summary.RunAsync("Faults: Redis stopped mid-run under sticky bucketing", async counter =>
        {
            await using var redis = await RedisProcess.StartNewAsync();
            using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Address + ",abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500,connectRetry=1");
            var store = new RedisStickyBucketService(connection);

            // 1. Users are bucketed with even weights; their assignments are saved to Redis.
            var original = new int[Users];
            await using (var first = await ClientAsync(Payload(0.5, 0.5), store))
            {
                for (var u = 0; u < Users; u++)
                {
                    original[u] = (await first.EvalFeatureAsync("sticky", User(u), cancellationToken)).GetValue(-1);
                }
            } // disposing waits for the background saves

            Assert.That(original.Count(v => v == 1), Is.InRange(Users / 4, Users * 3 / 4), "both variations in use");

            // 2. The weights change: stickiness keeps every user where they were.
            var events = new EventCounter();
            await using var client = await ClientAsync(Payload(0.01, 0.99), store, events);
            Assert.That(await FirstRequestStickyAsync(client, original, cancellationToken), Is.EqualTo(Users), "sticky before Redis stops");

            // 3. Under load (16 requests at a time, each a new user context: a store load each), Redis is killed,
            //    stays down for a while, and comes back.
            var load = new Load(client, Workers);
            load.Start();
            await Task.Delay(Phase, cancellationToken);
            var killedAt = Stopwatch.GetTimestamp();
            var process = ProcessSample.Start(); // what the process went through until the circuit opened, should a request there be slow
            await redis.SaveAndKillAsync();
            await Wait.UntilAsync(() => events[StoreUnavailable] > 0, "the circuit to open", cancellationToken: cancellationToken);
            var openedAt = events.LastSeen(StoreUnavailable)!.Value;
            var beforeOpen = process.Stop();
            await Task.Delay(Phase, cancellationToken);
            var restartedAt = Stopwatch.GetTimestamp();
            await redis.StartAsync();
            await Wait.UntilAsync(() => connection.IsConnected, "StackExchange.Redis to reconnect", TimeSpan.FromSeconds(20), cancellationToken);
            await Wait.UntilAsync(() => events[StoreRecovered] > 0, "a probe to close the circuit", TimeSpan.FromSeconds(20), cancellationToken);
            await load.StopAsync();

            // 4. Every user, on their first request once the circuit has closed, gets their stored variation.
            var resumed = await FirstRequestStickyAsync(client, original, cancellationToken);

            var up = load.Between(killedAt - Ticks(Phase), killedAt);
            var outage = load.Between(killedAt, restartedAt);
            var open = load.Between(openedAt, restartedAt);
            var upThroughput = up.Count / Phase.TotalSeconds;
            var outageThroughput = outage.Count / Seconds(restartedAt - killedAt);
            var upP99 = Percentile(up, 0.99);
            var openP99 = Percentile(open, 0.99);
            var detection = load.Between(killedAt, openedAt);
            var slowestWhileOpen = open.Max();
            var slowestBeforeOpen = detection.Count > 0 ? detection.Max() : 0;

            counter.Add(load.Count);
            counter.Fail(load.Failures);
            counter.Figure = string.Create(
                CultureInfo.InvariantCulture,
                $"Redis up: {upThroughput:N0}/s, p99 {upP99:0.0} ms; outage: {outageThroughput:N0}/s ({outageThroughput / upThroughput:P0}), circuit open after {Seconds(openedAt - killedAt) * 1000:0} ms ({detection.Count:N0} requests, slowest {slowestBeforeOpen:0} ms: one store timeout of {StoreTimeout.TotalMilliseconds:0} ms and scheduling); while open: p99 {openP99:0.00} ms, slowest {slowestWhileOpen:0.0} ms; {resumed}/{Users} sticky on their first request after the circuit closed");
            Assert.Multiple(() =>
            {
                Assert.That(load.Failures, Is.Zero, "no evaluation failed or threw while Redis was down");
                Assert.That(open.Count, Is.GreaterThan(0), "requests were served while the circuit was open");
                Assert.That(openP99, Is.LessThanOrEqualTo(upP99 + 2), "once the circuit is open no request waits on Redis: p99 no worse than with Redis up, + 2 ms");
                Assert.That(slowestWhileOpen, Is.LessThanOrEqualTo(StoreTimeout.TotalMilliseconds), "while the circuit is open, the slowest request (half-open probes included) within one store timeout");
                Assert.That(slowestBeforeOpen, Is.LessThan(2 * StoreTimeout.TotalMilliseconds), "before it opens, each request waits one store timeout at most, never several; meanwhile " + beforeOpen);
                Assert.That(outageThroughput, Is.GreaterThanOrEqualTo(upThroughput / 2), "throughput during the outage at least half that with Redis up");
                Assert.That(events[StoreUnavailable], Is.EqualTo(1), "the opening is logged once for the whole outage");
                Assert.That(resumed, Is.EqualTo(Users), "every user is sticky on their first request once Redis is back");
            });
        });
    }

    // How many users get their original variation, from sticky buckets, on their first request (a new user context).
    private static async Task<int> FirstRequestStickyAsync(GrowthBookClient client, int[] original, CancellationToken cancellationToken)
    {
        var sticky = 0;
        for (var u = 0; u < Users; u++)
        {
            var result = await client.EvalFeatureAsync("sticky", User(u), cancellationToken);
            if (result.GetValue(-1) == original[u] && result.ExperimentResult?.StickyBucketUsed == true)
            {
                sticky++;
            }
        }

        return sticky;
    }

    private static async Task<GrowthBookClient> ClientAsync(string payload, IStickyBucketService store, EventCounter? events = null)
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = payload, StickyBucketTimeout = StoreTimeout, StoreBreakDuration = BreakDuration };
        var client = new GrowthBookClient(options, loggerFactory: CapturedOutput.CreateLoggerFactory(events), stickyBucketService: store);
        Assert.That((await client.InitializeAsync()).Status, Is.EqualTo(InitializationStatus.Bootstrap));
        return client;
    }

    private static UserContext User(int u) => new()
    {
        Attributes = GrowthBookAttributes.From([new("id", "sticky-user-" + u.ToString(CultureInfo.InvariantCulture)), new("email", CapturedOutput.SecureEmail)]),
    };

    private static string Payload(double a, double b)
        => """{"features":{"sticky":{"defaultValue":0,"rules":[{"key":"sticky-exp","seed":"sticky-exp","hashAttribute":"id","variations":[1,2],"weights":["""
           + string.Create(CultureInfo.InvariantCulture, $"{a},{b}")
           + """],"meta":[{"key":"a"},{"key":"b"}],"bucketVersion":0}]}}}""";

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static double Percentile(List<double> latencies, double p)
    {
        if (latencies.Count == 0)
        {
            return 0;
        }

        var sorted = latencies.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    /// <summary>
    /// What the process went through over a stretch of the run, read at its start and end: GC pauses and gen-2
    /// collections, and the thread pool's threads and completed work items (threads added meanwhile: it was starved).
    /// </summary>
    private sealed class ProcessSample
    {
        private readonly TimeSpan _pauses = GC.GetTotalPauseDuration();
        private readonly int _gen2 = GC.CollectionCount(2);
        private readonly int _threads = ThreadPool.ThreadCount;
        private readonly long _workItems = ThreadPool.CompletedWorkItemCount;

        public static ProcessSample Start() => new();

        public string Stop() => string.Create(
            CultureInfo.InvariantCulture,
            $"GC paused {(GC.GetTotalPauseDuration() - _pauses).TotalMilliseconds:0} ms ({GC.CollectionCount(2) - _gen2} gen-2 collections), thread pool {_threads} → {ThreadPool.ThreadCount} threads, {ThreadPool.CompletedWorkItemCount - _workItems:N0} work items completed, {ThreadPool.PendingWorkItemCount:N0} queued at the end");
    }

    /// <summary>
    /// Requests at a fixed concurrency, each one a new user context, each yielding before the next as separate web
    /// requests would (so a worker never holds a thread-pool thread across requests). Every request is recorded with
    /// its start time and latency, in arrays allocated up front: the harness itself makes no garbage while it measures.
    /// </summary>
    private sealed class Load(GrowthBookClient client, int workers)
    {
        private const int Capacity = 600_000; // per worker (a run makes about a third of that); beyond it requests are no longer recorded
        private readonly long[][] _starts = Enumerable.Range(0, workers).Select(_ => new long[Capacity]).ToArray();
        private readonly float[][] _milliseconds = Enumerable.Range(0, workers).Select(_ => new float[Capacity]).ToArray();
        private readonly int[] _counts = new int[workers];
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;
        private long _failures;

        public long Count => _counts.Sum();

        public long Failures => Interlocked.Read(ref _failures);

        public void Start() => _running = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(w))));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        /// <summary>The latencies (ms) of the requests that started in [from, to).</summary>
        public List<double> Between(long from, long to)
        {
            var latencies = new List<double>();
            for (var w = 0; w < workers; w++)
            {
                for (var i = 0; i < _counts[w]; i++)
                {
                    if (_starts[w][i] >= from && _starts[w][i] < to)
                    {
                        latencies.Add(_milliseconds[w][i]);
                    }
                }
            }

            return latencies;
        }

        private async Task RunAsync(int worker)
        {
            var u = worker;
            var starts = _starts[worker];
            var milliseconds = _milliseconds[worker];
            while (!_stop.IsCancellationRequested)
            {
                await Task.Yield();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var value = (await client.EvalFeatureAsync("sticky", User((u += workers) % Users), CancellationToken.None)).GetValue(-1);
                    if (value is not (1 or 2))
                    {
                        Interlocked.Increment(ref _failures);
                    }
                }
                catch (Exception e)
                {
                    CapturedOutput.Seen(e);
                    Interlocked.Increment(ref _failures);
                }

                var n = _counts[worker];
                if (n < Capacity)
                {
                    starts[n] = started;
                    milliseconds[n] = (float)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Volatile.Write(ref _counts[worker], n + 1);
                }
            }
        }
    }
}
