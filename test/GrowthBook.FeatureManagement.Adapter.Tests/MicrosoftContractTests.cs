using System.Collections.Concurrent;
using System.Diagnostics;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>
/// What Microsoft.FeatureManagement documents still holds once AddGrowthBook has replaced its manager and definition
/// provider: a snapshot answers the same for the whole scope (IFeatureManagerSnapshot, IVariantFeatureManagerSnapshot),
/// session managers are read first and told every answer, and flags with telemetry on report on the
/// <c>Microsoft.FeatureManagement</c> ActivitySource.
/// </summary>
[TestFixture]
public sealed class MicrosoftContractTests
{
    private const string FlagsWithTelemetry = """
        {
          "feature_management": { "feature_flags": [
            { "id": "FmTelemetry", "enabled": true, "telemetry": { "enabled": true },
              "variants": [ { "name": "Big", "configuration_value": { "Size": 40 } } ], "allocation": { "default_when_enabled": "Big" } } ] },
          "FeatureManagement": { "DotnetFlag": true, "DotnetOff": false }
        }
        """;

    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gb-contract-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task ASnapshotKeepsEachAnswerForItsScope_ANewScopeSeesTheNewPayload()
    {
        var file = Path.Combine(_directory, "features.json");
        await File.WriteAllTextAsync(file, TestPayloads.Main);
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapFile"] = file });
        var users = new TestUserAccessor { Current = User("user-1", "FR") };
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IGrowthBookUserContextAccessor>(users);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var client = provider.GetRequiredService<GrowthBookClient>();
        await client.InitializeAsync();

        using var before = provider.CreateScope();
        var flags = before.ServiceProvider.GetRequiredService<IFeatureManagerSnapshot>();
        var variants = before.ServiceProvider.GetRequiredService<IVariantFeatureManagerSnapshot>();
        var firstFlag = await flags.IsEnabledAsync("checkout-v2");
        var firstVariant = await variants.GetVariantAsync("button-style", CancellationToken.None);
        Assert.That(firstFlag, Is.False, "precondition: off for a visitor from France");

        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.PayloadChanged += (_, _) => changed.TrySetResult();
        await File.WriteAllTextAsync(file, TestPayloads.Updated);
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var after = provider.CreateScope();
        var later = after.ServiceProvider.GetRequiredService<IVariantFeatureManagerSnapshot>();
        Assert.Multiple(async () =>
        {
            Assert.That(await provider.GetRequiredService<IFeatureManager>().IsEnabledAsync("checkout-v2"), Is.True, "the manager serves the new payload");
            Assert.That(await flags.IsEnabledAsync("checkout-v2"), Is.EqualTo(firstFlag), "IFeatureManagerSnapshot: the scope's first answer");
            Assert.That(await variants.IsEnabledAsync("checkout-v2", CancellationToken.None), Is.EqualTo(firstFlag), "one snapshot behind both interfaces");
            Assert.That((await variants.GetVariantAsync("button-style", CancellationToken.None)).Name, Is.EqualTo(firstVariant.Name), "IVariantFeatureManagerSnapshot: the scope's first variant");
            Assert.That(await later.IsEnabledAsync("checkout-v2", CancellationToken.None), Is.True, "a new scope, the new payload");
            Assert.That((await later.GetVariantAsync("button-style", CancellationToken.None)).Name, Is.EqualTo("everyone"));
        });
    }

    [Test]
    public async Task SessionManagersAreReadFirstAndToldEveryAnswer_ForGrowthBookFeaturesAndConfigurationFlags()
    {
        var sessions = new RecordingSessionManager { ["checkout-v2"] = true, ["DotnetOff"] = true };
        await using var provider = await TestServices.BuildAsync(
            configure: services => services.AddSingleton<IGrowthBookUserContextAccessor>(new TestUserAccessor { Current = User("user-1", "FR") }),
            featureManagement: fm => fm.Services.AddSingleton<ISessionManager>(sessions));
        var manager = provider.GetRequiredService<IVariantFeatureManager>();

        Assert.Multiple(async () =>
        {
            Assert.That(await manager.IsEnabledAsync("checkout-v2"), Is.True, "GrowthBook feature: the session's state wins (it evaluates false)");
            Assert.That(await manager.IsEnabledAsync("DotnetOff"), Is.True, "configuration flag: the same, by Microsoft's manager");
            Assert.That(await manager.IsEnabledAsync("premium-only", CancellationToken.None), Is.False);
            Assert.That(await manager.IsEnabledAsync("DotnetFlag", CancellationToken.None), Is.True);
            Assert.That(await manager.IsEnabledAsync("max-items", User("user-2", "US", "premium"), CancellationToken.None), Is.True, "contextual");
        });
        Assert.That(sessions.Stored, Is.EqualTo(new[]
        {
            ("checkout-v2", true), ("DotnetOff", true), ("premium-only", false), ("DotnetFlag", true), ("max-items", true),
        }), "every answer, in order, stored in the session");
    }

    [Test]
    public async Task ConfigurationFlagsWithTelemetry_ReportOnMicrosoftsActivitySource_ThroughTheManagerAndTheSnapshot()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == GrowthBookTelemetry.FeatureManagementActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var configuration = TestServices.Configuration(new Dictionary<string, string?> { ["BootstrapPayload"] = TestPayloads.Main }, FlagsWithTelemetry);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeatureManagement().AddGrowthBook(configuration.GetSection("GrowthBook"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();

        var variant = await provider.GetRequiredService<IVariantFeatureManager>().GetVariantAsync("FmTelemetry", CancellationToken.None);
        using (var scope = provider.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IVariantFeatureManagerSnapshot>().IsEnabledAsync("FmTelemetry", CancellationToken.None);
        }

        var events = stopped.Where(a => a.OperationName == "FeatureEvaluation").SelectMany(a => a.Events).Where(e => e.Name == "FeatureFlag")
            .Where(e => Equals(Tag(e, "FeatureName"), "FmTelemetry")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(variant.Name, Is.EqualTo("Big"));
            Assert.That(events, Has.Count.EqualTo(2), "one FeatureFlag event per evaluation, through the manager and the snapshot");
            foreach (var e in events)
            {
                Assert.That(Tag(e, "Enabled"), Is.EqualTo(true));
                Assert.That(Tag(e, "Variant"), Is.EqualTo("Big"));
                Assert.That(Tag(e, "VariantAssignmentReason")?.ToString(), Is.EqualTo("DefaultWhenEnabled"));
                Assert.That(Tag(e, "Version"), Is.Not.Null);
            }
        });
    }

    private static object? Tag(ActivityEvent e, string name) => e.Tags.FirstOrDefault(t => t.Key == name).Value;

    private static UserContext User(string id, string country, string plan = "free")
        => new() { Attributes = GrowthBookAttributes.From(new Dictionary<string, object?> { ["id"] = id, ["country"] = country, ["plan"] = plan }) };

    /// <summary>A session: preset states, and every state it is told, in order.</summary>
    private sealed class RecordingSessionManager : ISessionManager
    {
        private readonly Dictionary<string, bool> _states = new(StringComparer.Ordinal);

        public ConcurrentQueue<(string, bool)> Stored { get; } = new();

        public bool this[string feature] { set => _states[feature] = value; }

        public Task<bool?> GetAsync(string featureName)
            => Task.FromResult(_states.TryGetValue(featureName, out var state) ? state : (bool?)null);

        public Task SetAsync(string featureName, bool enabled)
        {
            Stored.Enqueue((featureName, enabled));
            return Task.CompletedTask;
        }
    }
}
