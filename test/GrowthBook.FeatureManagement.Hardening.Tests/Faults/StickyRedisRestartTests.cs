using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GrowthBook.FeatureManagement.Hardening.Support;
using NUnit.Framework;
using StackExchange.Redis;

namespace GrowthBook.FeatureManagement.Hardening.Faults;

/// <summary>
/// Sticky bucketing over Redis (<see cref="RedisStickyBucketService"/>), with a redis-server of this scenario's own
/// killed mid-run: evaluations go on (without stickiness, within the store timeout, never throwing), and once Redis
/// is back every user gets their stored variation again although the weights changed.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class StickyRedisRestartTests
{
    private const int Users = 200;
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromMilliseconds(250);

    [Test]
    [CancelAfter(90_000)]
    public async Task RedisStoppedMidRun_EvaluationsContinue_StickinessResumesAfterRestart(CancellationToken cancellationToken)
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
            Assert.That(await StickyCountAsync(client, original, cancellationToken), Is.EqualTo(Users), "sticky before Redis stops");

            // 3. Redis is killed while evaluations run, and stays down for a while.
            var failures = 0L;
            var evaluations = 0L;
            var slowestMs = 0.0;
            using var stop = new CancellationTokenSource();
            var slow = 0;
            // 16 requests at a time, as a web app would see them: each new user context loads (and waits) on its own.
            var load = Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                var u = worker;
                while (!stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var value = (await client.EvalFeatureAsync("sticky", User((u += 16) % Users), CancellationToken.None)).GetValue(-1);
                        if (value is not (1 or 2))
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                    catch (Exception e)
                    {
                        CapturedOutput.Seen(e);
                        Interlocked.Increment(ref failures);
                    }

                    Interlocked.Increment(ref evaluations);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (original)
                    {
                        slowestMs = Math.Max(slowestMs, ms);
                        if (ms > 2 * StoreTimeout.TotalMilliseconds)
                        {
                            slow++;
                        }
                    }
                }
            }, CancellationToken.None)));

            await Task.Delay(200, cancellationToken);
            await redis.SaveAndKillAsync();
            var beforeOutage = Interlocked.Read(ref evaluations);
            await Task.Delay(1_500, cancellationToken);
            var duringOutage = Interlocked.Read(ref evaluations) - beforeOutage;

            // 4. Redis comes back with its data; the connection recovers by itself.
            await redis.StartAsync();
            await Wait.UntilAsync(() => connection.IsConnected, "StackExchange.Redis to reconnect", TimeSpan.FromSeconds(20), cancellationToken);
            await stop.CancelAsync();
            await load;
            var resumed = await StickyCountAsync(client, original, cancellationToken);
            counter.Add(Interlocked.Read(ref evaluations));
            counter.Fail(failures);
            var storeFailures = events[130] + events[131]; // load failed / timed out (docs/sticky-bucketing.md)
            counter.Figure = $"{duringOutage:N0} evaluations while Redis was down ({storeFailures} store failures logged); slowest {slowestMs:0} ms ({slow} over twice the {StoreTimeout.TotalMilliseconds:0} ms store timeout); {resumed}/{Users} sticky after restart";
            Assert.Multiple(() =>
            {
                Assert.That(failures, Is.Zero, "no evaluation failed while Redis was down");
                Assert.That(duringOutage, Is.GreaterThan(0), "evaluations went on");
                Assert.That(storeFailures, Is.GreaterThan(0), "the store really was down for them");
                // The store timeout bounds the wait for Redis; a burst of concurrent loads on a 2-core machine can also wait
                // for the thread pool to grow (docs/hardening.md), hence the margin.
                Assert.That(slowestMs, Is.LessThan(3_000), "each evaluation bounded");
                Assert.That(resumed, Is.EqualTo(Users), "stickiness resumes once Redis is back");
            });
        });
    }

    // How many users get their original variation with sticky buckets used (a new user context each: a fresh load).
    // A user counts as sticky when a request finds their assignment. A load that overruns the store timeout (the
    // documented fallback: that request is not sticky) is asked again by a new request, up to three in all: data lost
    // from Redis would fail every time, a slow first command after a reconnect on a busy machine does not.
    private static async Task<int> StickyCountAsync(GrowthBookClient client, int[] original, CancellationToken cancellationToken)
    {
        var sticky = 0;
        for (var u = 0; u < Users; u++)
        {
            for (var request = 0; request < 3; request++)
            {
                var result = await client.EvalFeatureAsync("sticky", User(u), cancellationToken);
                if (result.GetValue(-1) == original[u] && result.ExperimentResult?.StickyBucketUsed == true)
                {
                    sticky++;
                    break;
                }
            }
        }

        return sticky;
    }

    private static async Task<GrowthBookClient> ClientAsync(string payload, IStickyBucketService store, EventCounter? events = null)
    {
        var client = new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = payload, StickyBucketTimeout = StoreTimeout }, loggerFactory: CapturedOutput.CreateLoggerFactory(events), stickyBucketService: store);
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
}
