using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>
/// An <see cref="IStickyBucketService"/> registered in DI is used by <c>AddGrowthBook</c>'s client: IsEnabledAsync and
/// GetVariantAsync keep a user's variation after the experiment changes, and read the store once per user context.
/// </summary>
[TestFixture]
public sealed class StickyBucketingTests
{
    [Test]
    public async Task GetVariantAsync_KeepsTheUsersVariation_AcrossARestartWithNewWeights()
    {
        var store = new CountingStore();
        var users = new TestUserAccessor();
        string before;
        await using (var first = await BuildAsync(StickyTestPayloads.AllControl, store, users))
        {
            users.Current = User("u1");
            before = (await first.GetRequiredService<IVariantFeatureManager>().GetVariantAsync(StickyTestPayloads.Feature, CancellationToken.None)).Name;
        }

        await using var second = await BuildAsync(StickyTestPayloads.AllTreatment, store, users);
        var features = second.GetRequiredService<IVariantFeatureManager>();
        users.Current = User("u1");
        var after = await features.GetVariantAsync(StickyTestPayloads.Feature, CancellationToken.None);
        users.Current = User("u2");
        var newcomer = await features.GetVariantAsync(StickyTestPayloads.Feature, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo("0"));
            Assert.That(after.Name, Is.EqualTo("0"), "sticky");
            Assert.That(after.Configuration?.Value, Is.EqualTo("control"));
            Assert.That(newcomer.Name, Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task TheStoreIsReadOncePerUserContext_WhateverTheNumberOfEvaluations()
    {
        var store = new CountingStore();
        var users = new TestUserAccessor();
        await using var services = await BuildAsync(StickyTestPayloads.AllControl, store, users);
        var features = services.GetRequiredService<IVariantFeatureManager>();
        users.Current = User("u1");

        for (var i = 0; i < 3; i++)
        {
            Assert.That(await features.IsEnabledAsync(StickyTestPayloads.Feature, CancellationToken.None), Is.True);
            Assert.That((await features.GetVariantAsync(StickyTestPayloads.Feature, CancellationToken.None)).Name, Is.EqualTo("0"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(store.GetAlls, Is.EqualTo(1));
            Assert.That(store.Documents.Keys, Is.EquivalentTo(new[] { "id||u1" }));
        });
    }

    private static UserContext User(string id) => new() { Attributes = GrowthBookAttributes.From([new("id", id)]) };

    private static Task<ServiceProvider> BuildAsync(string payload, IStickyBucketService store, TestUserAccessor users)
        => TestServices.BuildAsync(payload: payload, configure: services =>
        {
            services.AddSingleton(store);
            services.AddSingleton<IGrowthBookUserContextAccessor>(users);
        });

    private sealed class CountingStore : IStickyBucketService
    {
        private readonly InMemoryStickyBucketService _inner = new();
        private int _getAlls;

        public int GetAlls => _getAlls;

        public IReadOnlyDictionary<string, StickyAssignmentsDocument> Documents => _inner.Documents;

        public ValueTask<StickyAssignmentsDocument?> GetAssignmentsAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
            => _inner.GetAssignmentsAsync(attributeName, attributeValue, cancellationToken);

        public ValueTask SaveAssignmentsAsync(StickyAssignmentsDocument document, CancellationToken cancellationToken = default)
            => _inner.SaveAssignmentsAsync(document, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, StickyAssignmentsDocument>> GetAllAssignmentsAsync(IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _getAlls);
            return _inner.GetAllAssignmentsAsync(attributes, cancellationToken);
        }
    }
}
