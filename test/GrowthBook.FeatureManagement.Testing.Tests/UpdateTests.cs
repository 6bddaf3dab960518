using System.Globalization;
using GrowthBook.FeatureManagement.Testing.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Testing.Tests;

/// <summary>Changes made while a client runs reach it as a stream update does: served when the call returns, one change event each, a newer dateUpdated each.</summary>
public sealed class UpdateTests
{
    // Only a guard against a hang: every wait completes on an event.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Set_Update_Remove_AreServedAtOnce_EachWithOneChangeEvent_AndANewerDateUpdated()
    {
        // A clock that never moves: the test data still dates each payload after the last.
        var testData = new GrowthBookTestData(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))).Set("checkout", false);
        await using var client = await testData.CreateClientAsync();
        using var events = new ChangeEvents(client);
        var dates = new List<DateTimeOffset> { DateUpdated(client) };

        testData.Set("checkout", true);
        Assert.That(client.IsOn("checkout", Users.WithId("u1")), Is.True);
        Assert.That((await events.NextAsync()).Source, Is.EqualTo(PayloadSource.Custom));
        dates.Add(DateUpdated(client));

        testData.Update(t => t.Set("checkout", false).Set("banner", "sale").Feature("plan-gate", f => f.DefaultValue(false).When("plan", "pro").Serve(true)));
        Assert.That(client.IsOn("checkout", Users.WithId("u1")), Is.False);
        Assert.That(client.EvalFeature("banner", Users.WithId("u1")).Value.GetString(), Is.EqualTo("sale"));
        Assert.That(client.IsOn("plan-gate", Users.WithPlan("u1", "pro")), Is.True);
        await events.NextAsync();
        dates.Add(DateUpdated(client));

        testData.Remove("banner");
        Assert.That(client.EvalFeature("banner", Users.WithId("u1")).Source, Is.EqualTo(FeatureSource.UnknownFeature));
        await events.NextAsync();
        dates.Add(DateUpdated(client));

        // A change that changes nothing is no update: the next event is the next real change's.
        testData.Set("checkout", false);
        testData.Clear();
        Assert.That(client.Payload.FeatureKeys, Is.Empty);
        await events.NextAsync();
        dates.Add(DateUpdated(client));

        Assert.That(events.Count, Is.EqualTo(4), "one event per change, none for the change that changed nothing nor for a batch's parts");
        Assert.That(dates, Is.Ordered.Ascending.And.Unique);
        Assert.That(client.Status.Source, Is.EqualTo(PayloadSource.Custom));
    }

    [Test]
    public async Task AnUpdateThatThrows_KeepsNoneOfItsChanges_AndSendsNothing()
    {
        var testData = new GrowthBookTestData().Set("checkout", false);
        await using var client = await testData.CreateClientAsync();
        var before = testData.ToJson();

        Assert.That(() => testData.Update(t => t.Set("checkout", true).Set("other", 1).Feature("bad", f => f.Rollout(true, 2))), Throws.InstanceOf<ArgumentOutOfRangeException>());

        Assert.That(testData.ToJson(), Is.EqualTo(before));
        Assert.That(client.IsOn("checkout", Users.WithId("u1")), Is.False);
        Assert.That(client.Payload.FeatureKeys, Is.EquivalentTo(new[] { "checkout" }));
    }

    [Test]
    public async Task SeveralClients_GetEveryChange_AndADisposedOneIsLetGo()
    {
        var testData = new GrowthBookTestData().Set("checkout", false);
        await using var first = await testData.CreateClientAsync();
        var second = await testData.CreateClientAsync();

        testData.Set("checkout", true);
        Assert.That(first.IsOn("checkout", Users.WithId("u1")) && second.IsOn("checkout", Users.WithId("u1")), Is.True);

        await second.DisposeAsync();
        testData.Set("checkout", false); // a disposed client neither throws nor holds the change up
        Assert.That(first.IsOn("checkout", Users.WithId("u1")), Is.False);
    }

    [Test]
    public async Task ConcurrentChanges_FromManyThreads_AreAllServed()
    {
        var testData = new GrowthBookTestData();
        await using var client = await testData.CreateClientAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                testData.Set($"f-{t}-{i}", i);
            }
        }))).WaitAsync(Guard);

        Assert.That(client.Payload.FeatureKeys, Has.Count.EqualTo(200));
        Assert.That(client.EvalFeature("f-7-24", Users.WithId("u1")).Value.GetInt32(), Is.EqualTo(24));
    }

    private static DateTimeOffset DateUpdated(GrowthBookClient client)
        => DateTimeOffset.Parse(client.Status.DateUpdated!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>The client's change events, awaited one by one.</summary>
    private sealed class ChangeEvents : IDisposable
    {
        private readonly GrowthBookClient _client;
        private readonly Queue<TaskCompletionSource<PayloadChangedEventArgs>> _pending = new();
        private readonly Queue<PayloadChangedEventArgs> _arrived = new();
        private readonly object _gate = new();

        public ChangeEvents(GrowthBookClient client)
        {
            _client = client;
            client.PayloadChanged += OnChanged;
        }

        public int Count { get; private set; }

        public Task<PayloadChangedEventArgs> NextAsync()
        {
            lock (_gate)
            {
                if (_arrived.TryDequeue(out var arrived))
                {
                    return Task.FromResult(arrived);
                }

                var waiter = new TaskCompletionSource<PayloadChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Enqueue(waiter);
                return waiter.Task.WaitAsync(Guard);
            }
        }

        public void Dispose() => _client.PayloadChanged -= OnChanged;

        private void OnChanged(object? sender, PayloadChangedEventArgs e)
        {
            lock (_gate)
            {
                Count++;
                if (_pending.TryDequeue(out var waiter))
                {
                    waiter.SetResult(e);
                }
                else
                {
                    _arrived.Enqueue(e);
                }
            }
        }
    }
}
