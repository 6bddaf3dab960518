using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary><c>AddHealthChecks().AddGrowthBook()</c> on <c>/health</c>: status by payload source and freshness, with source and age in the data.</summary>
[TestFixture]
public sealed class HealthCheckTests
{
    private sealed record Health(HttpStatusCode Code, string Status, string Entry, string? Source, double? AgeSeconds, bool? Initialized, JsonElement Data, string Description);

    private static async Task<Health> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entry = json.RootElement.GetProperty("entries").GetProperty("growthbook");
        var data = entry.GetProperty("data").Clone();
        return new Health(
            response.StatusCode,
            json.RootElement.GetProperty("status").GetString()!,
            entry.GetProperty("status").GetString()!,
            data.TryGetProperty("source", out var source) ? source.GetString() : null,
            data.TryGetProperty("ageSeconds", out var age) ? age.GetDouble() : null,
            data.TryGetProperty("initialized", out var initialized) ? initialized.GetBoolean() : null,
            data,
            entry.GetProperty("description").GetString() ?? "");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static TestAppSettings Online(FakeGrowthBookApi api, string cacheTtl = "00:01:00", string strategy = "StaleWhileRevalidate") => new()
    {
        GrowthBook =
        {
            ["ClientKey"] = FakeGrowthBookApi.ClientKey,
            ["ApiHost"] = api.Url,
            ["CacheTtl"] = cacheTtl,
            ["RefreshStrategy"] = strategy,
            ["InitializationTimeout"] = "00:00:05",
        },
    };

    [Test]
    public async Task AFreshPayloadFromTheApiIsHealthy()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        await using var app = new TestAppFactory(Online(api));
        using var client = app.CreateClient();
        var health = await HealthAsync(client);
        Assert.Multiple(() =>
        {
            Assert.That((health.Code, health.Status, health.Entry), Is.EqualTo((HttpStatusCode.OK, "Healthy", "Healthy")));
            Assert.That(health.Source, Is.EqualTo("Network"));
            Assert.That(health.AgeSeconds, Is.Not.Null.And.InRange(0, 30));
            Assert.That(health.Initialized, Is.True);
            Assert.That(health.Data.GetProperty("dateUpdated").GetString(), Is.EqualTo("2026-11-01T00:00:00Z"));
        });
    }

    [Test]
    public async Task AStalePayloadIsDegraded()
    {
        var time = new ShiftedTimeProvider();
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        var settings = Online(api, strategy: "None");
        await using var app = new TestAppFactory(new TestAppSettings { GrowthBook = settings.GrowthBook, Services = s => s.AddSingleton<TimeProvider>(time) });
        using var client = app.CreateClient();
        var fresh = await HealthAsync(client);
        time.Advance(TimeSpan.FromMinutes(2));
        var stale = await HealthAsync(client);
        Assert.Multiple(() =>
        {
            Assert.That((fresh.Entry, fresh.Source), Is.EqualTo(("Healthy", "Network")));
            Assert.That((stale.Code, stale.Entry, stale.Source), Is.EqualTo((HttpStatusCode.OK, "Degraded", "Network")));
            Assert.That(stale.Description, Does.Contain("nothing refreshes it automatically"));
            Assert.That(stale.AgeSeconds, Is.GreaterThanOrEqualTo(120));
        });
    }

    [Test]
    public async Task AnOfflineClientOnItsBundledPayload_IsHealthy_AndSaysWhatItIs()
    {
        await using var app = new TestAppFactory(TestAppSettings.Bootstrap());
        using var client = app.CreateClient();
        var health = await HealthAsync(client);
        Assert.Multiple(() =>
        {
            Assert.That((health.Code, health.Entry, health.Source), Is.EqualTo((HttpStatusCode.OK, "Healthy", "Bootstrap")), "offline on a bundled payload is what it was configured to do");
            Assert.That(health.Description, Does.Contain("offline").And.Contain("bootstrap payload"));
            Assert.That(health.AgeSeconds, Is.Not.Null);
        });
    }

    [Test]
    public async Task ABootstrapPayloadWhileTheApiFails_IsDegraded_AndSaysWhy()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        api.Failing = true;
        var settings = Online(api, strategy: "None");
        settings.GrowthBook["BootstrapPayload"] = TestPayloads.Main;
        await using var app = new TestAppFactory(settings);
        using var client = app.CreateClient();
        var health = await HealthAsync(client);
        Assert.Multiple(() =>
        {
            Assert.That((health.Code, health.Entry, health.Source), Is.EqualTo((HttpStatusCode.OK, "Degraded", "Bootstrap")));
            Assert.That(health.Description, Does.Contain("last attempt to update failed").And.Contain("the API has not answered since start"));
            Assert.That(health.Description, Does.Not.Contain(FakeGrowthBookApi.ClientKey));
        });
    }

    [Test]
    public async Task TheLastKnownGoodPayloadFromTheCacheIsDegraded()
    {
        // Two instances share a feature cache (as they would share Redis): the first fetches, the second starts with the API down.
        var cache = new InMemoryFeatureCache();
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        var settings = Online(api);
        var shared = new TestAppSettings { GrowthBook = settings.GrowthBook, Services = s => s.AddSingleton<IFeatureCache>(cache) };
        await using (var first = new TestAppFactory(shared))
        {
            using var client = first.CreateClient();
            Assert.That((await HealthAsync(client)).Source, Is.EqualTo("Network"));
        }

        api.Failing = true;
        await using var second = new TestAppFactory(shared);
        using var secondClient = second.CreateClient();
        var health = await HealthAsync(secondClient);
        var gate = await secondClient.GetAsync("/mvc/checkout", TestUser.UsFree);
        Assert.Multiple(() =>
        {
            Assert.That((health.Code, health.Entry, health.Source), Is.EqualTo((HttpStatusCode.OK, "Degraded", "Cache")));
            Assert.That(gate.Status, Is.EqualTo(HttpStatusCode.OK), "the cached payload is served");
        });
    }

    [Test]
    public async Task NoPayloadAtAllIsUnhealthy()
    {
        // A closed loopback port: the API is unreachable, and there is no bootstrap.
        await using var app = new TestAppFactory(new TestAppSettings
        {
            GrowthBook =
            {
                ["ClientKey"] = FakeGrowthBookApi.ClientKey,
                ["ApiHost"] = "http://127.0.0.1:" + ClosedPort(),
                ["InitializationTimeout"] = "00:00:00.500",
                ["RefreshStrategy"] = "None",
            },
        });
        using var client = app.CreateClient();
        var health = await HealthAsync(client);
        var gate = await client.GetAsync("/mvc/checkout", TestUser.UsFree);
        Assert.Multiple(() =>
        {
            Assert.That((health.Code, health.Status, health.Entry), Is.EqualTo((HttpStatusCode.ServiceUnavailable, "Unhealthy", "Unhealthy")));
            Assert.That(health.Source, Is.EqualTo("None"));
            Assert.That(health.AgeSeconds, Is.Null);
            Assert.That(health.Data.TryGetProperty("lastError", out _), Is.True);
            Assert.That(health.Data.ToString(), Does.Not.Contain(FakeGrowthBookApi.ClientKey), "no secrets in the health data");
            Assert.That(gate.Status, Is.EqualTo(HttpStatusCode.NotFound), "every GrowthBook feature is off without a payload");
        });
    }
}
