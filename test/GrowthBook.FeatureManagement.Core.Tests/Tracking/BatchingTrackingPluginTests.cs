using System.Collections.Concurrent;
using System.Diagnostics;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Tracking;

/// <summary>Batching by size and interval, retries with backoff, the bounded queue, flush and dispose — on a fake clock.</summary>
[TestFixture]
public sealed class BatchingTrackingPluginTests : ClientTestBase
{
    private const int BatchFailedEvent = 222;

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void StartClock() => _time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task FullBatchesGoAtOnce_ThePartialOneAfterTheFlushInterval()
    {
        var batches = new ConcurrentQueue<TrackingBatch>();
        var plugin = Plugin(batches, new TrackingPluginOptions());
        for (var i = 0; i < 25; i++)
        {
            plugin.Track(Exposure("u" + i));
        }

        await Eventually(() => batches.Count == 2 && plugin.WaitingOnClock, "the two full batches of 10 to go without the clock moving, and the worker to wait for the last one");
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(batches, Has.Count.EqualTo(2), "the last 5 wait up to the 30-second flush interval (the wait is armed; its time has not come)");

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => batches.Count == 3, "the partial batch to go when the interval is up");
        Assert.Multiple(() =>
        {
            Assert.That(batches.Select(b => b.Events.Count), Is.EqualTo(new[] { 10, 10, 5 }));
            Assert.That(batches.SelectMany(b => b.Events).Select(TrackingFixtures.Id), Is.EqualTo(Enumerable.Range(0, 25).Select(i => "u" + i)), "every event once, in order");
            Assert.That(plugin.DeliveredEvents, Is.EqualTo(25));
            Assert.That(plugin.PendingEvents, Is.Zero);
        });
    }

    [Test]
    public async Task AFailedBatchIsRetried_WithExponentialBackoffAndJitter_SameIdSameEvents()
    {
        var attempts = new ConcurrentQueue<(TrackingBatch Batch, DateTimeOffset At)>();
        var tested = Own(new SinkPlugin(new RecordingSink(attempts, _time, failFirst: 2).SendAsync, new TrackingPluginOptions { BatchSize = 2 }, _time));
        tested.Track(Exposure("a"));
        tested.Track(Exposure("b"));
        await Eventually(() => attempts.Count == 1 && tested.WaitingOnClock, "the first attempt, and the worker to start its backoff wait");

        _time.Advance(TimeSpan.FromMilliseconds(990));
        Assert.That(attempts, Has.Count.EqualTo(1), "no retry before the base delay (1 s): the wait is armed, its time has not come");

        await AdvanceUntil(_time, () => tested.DeliveredEvents == 2, "the third attempt to deliver", TimeSpan.FromMilliseconds(100));
        var list = attempts.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(list.Select(a => a.Batch.Attempt), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(list.Select(a => a.Batch.Id).Distinct().Count(), Is.EqualTo(1), "the same batch id on every attempt");
            Assert.That(list.All(a => a.Batch.Events.Select(TrackingFixtures.Id).SequenceEqual(new[] { "a", "b" })), "the same events on every attempt");
            var first = list[1].At - list[0].At;
            var second = list[2].At - list[1].At;
            Assert.That(first, Is.InRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5)), "1 s × (1 + jitter), measured in 100 ms clock steps");
            Assert.That(second, Is.InRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4.5)), "doubled: 2 s × (1 + jitter)");
            Assert.That(tested.FailedEvents, Is.Zero);
        });
    }

    [Test]
    public async Task ABatchIsGivenUp_AfterMaxRetries_OrAtOnceWhenTheFailureIsPermanent()
    {
        var attempts = new ConcurrentQueue<(TrackingBatch Batch, DateTimeOffset At)>();
        var always = Own(new SinkPlugin(new RecordingSink(attempts, _time, failFirst: int.MaxValue).SendAsync, new TrackingPluginOptions { BatchSize = 1, MaxRetries = 3 }, _time, LoggerFactory.CreateLogger("test")));
        always.Track(Exposure("x"));
        await AdvanceUntil(_time, () => always.FailedEvents == 1, "the batch to be given up", TimeSpan.FromSeconds(1));
        Assert.That(attempts.Select(a => a.Batch.Attempt), Is.EqualTo(new[] { 1, 2, 3, 4 }), "the first attempt and 3 retries");

        var permanent = new ConcurrentQueue<int>();
        var rejected = Own(new CallbackTrackingPlugin(
            (_, _) =>
            {
                permanent.Enqueue(1);
                throw new TrackingDeliveryException("the sink answered 400", isTransient: false);
            },
            new TrackingPluginOptions { BatchSize = 1 },
            _time,
            LoggerFactory.CreateLogger("test")));
        rejected.Track(Exposure("y"));
        await Eventually(() => rejected.FailedEvents == 1, "the permanent failure to give the batch up");
        Assert.Multiple(() =>
        {
            Assert.That(permanent, Has.Count.EqualTo(1), "a permanent failure is not retried");
            Assert.That(Logs.WithEventId(BatchFailedEvent), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task WhileTheSinkIsDown_MemoryStaysBounded_DropsAreCounted_AndTrackNeverBlocks()
    {
        var sink = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = 0;
        var plugin = new CallbackTrackingPlugin(
            async (_, ct) =>
            {
                Interlocked.Increment(ref sends);
                await sink.Task.WaitAsync(ct); // hangs: the sink is down
            },
            new TrackingPluginOptions { QueueCapacity = 100, ShutdownTimeout = TimeSpan.FromMilliseconds(200) },
            _time,
            LoggerFactory.CreateLogger("test"));
        plugin.Track(Exposure("first"));
        for (var i = 1; i < 10; i++)
        {
            plugin.Track(Exposure("e" + i));
        }

        await Eventually(() => plugin.PendingEvents == 10 && plugin.DroppedEvents == 0 && sends == 1, "the first batch to be taken, and its send to hang");
        var flood = Exposure("flood");
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            plugin.Track(flood);
        }

        watch.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "Track never waits for the sink");
            Assert.That(plugin.PendingEvents, Is.EqualTo(110), "the batch being sent plus a full queue, no more");
            Assert.That(plugin.DroppedEvents, Is.EqualTo(100_000 - 100));
        });

        var disposing = Stopwatch.StartNew();
        var disposed = plugin.DisposeAsync();
        _time.Advance(plugin.Options.ShutdownTimeout); // the shutdown timeout runs on the plugin's clock
        await disposed;
        Assert.Multiple(() =>
        {
            Assert.That(disposing.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "shutdown is bounded");
            Assert.That(plugin.DeliveredEvents + plugin.FailedEvents + plugin.DroppedEvents, Is.EqualTo(100_010), "every event is accounted for");
            Assert.That(plugin.FailedEvents, Is.EqualTo(110), "what was held at shutdown is given up, and counted");
        });
    }

    [Test]
    public async Task FlushAndDispose_SendThePartialBatch_WithoutWaitingForTheInterval()
    {
        var batches = new ConcurrentQueue<TrackingBatch>();
        var plugin = Plugin(batches, new TrackingPluginOptions());
        plugin.Track(Exposure("a"));
        plugin.Track(Exposure("b"));
        await plugin.FlushAsync().WaitAsync(WaitLimit);
        Assert.That(batches.Select(b => b.Events.Count), Is.EqualTo(new[] { 2 }));

        plugin.Track(Exposure("c"));
        await plugin.DisposeAsync().AsTask().WaitAsync(WaitLimit);
        plugin.Track(Exposure("after"));
        Assert.Multiple(() =>
        {
            Assert.That(batches.Select(b => b.Events.Count), Is.EqualTo(new[] { 2, 1 }), "disposal sent the last partial batch");
            Assert.That(plugin.DroppedEvents, Is.EqualTo(1), "an event after disposal is dropped and counted");
        });
    }

    [Test]
    public async Task TheClientFeedsSeveralPluginsAndTheCallback()
    {
        var exposuresOnly = new ConcurrentQueue<TrackingBatch>();
        var everything = new ConcurrentQueue<TrackingBatch>();
        var callback = new ConcurrentQueue<string>();
        var options = TrackingFixtures.Options();
        options.OnExperimentViewed = (e, _, u) => callback.Enqueue(e.Key);
        var first = new CallbackTrackingPlugin(Recorder(exposuresOnly), new TrackingPluginOptions(), _time);
        var second = new CallbackTrackingPlugin(Recorder(everything), new TrackingPluginOptions { TrackFeatureUsage = true }, _time);
        options.TrackingPlugins.Add(first);
        options.TrackingPlugins.Add(second);
        var client = new GrowthBookClient(options, loggerFactory: LoggerFactory, timeProvider: _time);
        await client.InitializeAsync();
        for (var i = 0; i < 4; i++)
        {
            client.EvalFeature("checkout", TrackingFixtures.User("p" + i));
            client.EvalFeature("checkout", TrackingFixtures.User("p" + i));
            client.EvalFeature("banner", TrackingFixtures.User("p" + i));
        }

        await client.DisposeAsync(); // flushes and disposes the plugins
        var firstEvents = exposuresOnly.SelectMany(b => b.Events).ToList();
        var secondEvents = everything.SelectMany(b => b.Events).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(callback, Has.Count.EqualTo(4), "the plain callback: one exposure per user");
            Assert.That(firstEvents.Select(e => e.GetType().Name), Is.EqualTo(Enumerable.Repeat(nameof(ExperimentViewedEvent), 4)));
            Assert.That(secondEvents.OfType<ExperimentViewedEvent>().Count(), Is.EqualTo(4));
            Assert.That(secondEvents.OfType<FeatureEvaluatedEvent>().Count(), Is.EqualTo(12), "every evaluation for the plugin that asked");
            Assert.That(first.PendingEvents + second.PendingEvents, Is.Zero);
        });
    }

    private CallbackTrackingPlugin Plugin(ConcurrentQueue<TrackingBatch> batches, TrackingPluginOptions options)
        => Own(new CallbackTrackingPlugin(Recorder(batches), options, _time, LoggerFactory.CreateLogger("test")));

    private static Func<IReadOnlyList<GrowthBookTelemetryEvent>, CancellationToken, ValueTask> Recorder(ConcurrentQueue<TrackingBatch> batches)
        => (events, _) =>
        {
            batches.Enqueue(new TrackingBatch("", events, 1));
            return ValueTask.CompletedTask;
        };

    private ExperimentViewedEvent Exposure(string id)
    {
        var user = TrackingFixtures.User(id);
        using var scope = new GrowthBookScope(GrowthBookPayload.Parse(TrackingFixtures.Payload), user);
        return new ExperimentViewedEvent(TrackingFixtures.Inline, scope.Run(TrackingFixtures.Inline), user, _time.GetUtcNow());
    }

    /// <summary>A sink that fails its first attempts and records when each came (on the fake clock).</summary>
    private sealed class RecordingSink(ConcurrentQueue<(TrackingBatch Batch, DateTimeOffset At)> attempts, TimeProvider time, int failFirst)
    {
        private int _calls;

        public Task SendAsync(TrackingBatch batch, CancellationToken cancellationToken)
        {
            attempts.Enqueue((batch, time.GetUtcNow()));
            return Interlocked.Increment(ref _calls) <= failFirst ? throw new HttpRequestException("sink down") : Task.CompletedTask;
        }
    }

    /// <summary>A plugin over a function that sees the whole batch (id and attempt included).</summary>
    private sealed class SinkPlugin(Func<TrackingBatch, CancellationToken, Task> send, TrackingPluginOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null)
        : BatchingTrackingPlugin(options, time, logger)
    {
        protected override Task SendAsync(TrackingBatch batch, CancellationToken cancellationToken) => send(batch, cancellationToken);
    }
}
