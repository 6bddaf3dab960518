using System.Net;
using System.Text.Json;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>A payload update reaches the running host: the same host answers differently, without a restart.</summary>
[TestFixture]
public sealed class PayloadUpdateTests
{
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }

    [Test]
    public async Task AnUpdateFromTheApiChangesTheAnswers()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        await using var app = new TestAppFactory(new TestAppSettings
        {
            GrowthBook =
            {
                ["ClientKey"] = FakeGrowthBookApi.ClientKey,
                ["ApiHost"] = api.Url,
                ["CacheTtl"] = "00:00:00.200",
                ["RefreshStrategy"] = "StaleWhileRevalidate",
            },
        });
        using var client = app.CreateClient();

        var before = await client.GetAsync("/mvc/checkout", TestUser.FrFree);
        var beforeMinimal = await client.GetAsync("/minimal/checkout", TestUser.FrFree);
        var beforePricing = await client.GetAsync("/enabled/pricing", TestUser.FrFree);
        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(beforeMinimal.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(beforePricing.Body, Is.EqualTo("on"));
        });

        api.Payload = TestPayloads.Updated;
        var after = await EventuallyAsync(() => client.GetAsync("/mvc/checkout", TestUser.FrFree), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        var (_, variant) = await client.GetAsync("/variant/button-style", TestUser.FrFree);
        Assert.Multiple(async () =>
        {
            Assert.That(after, Is.EqualTo((HttpStatusCode.OK, "mvc checkout")), "the MVC gate opened");
            Assert.That((await client.GetAsync("/minimal/checkout", TestUser.FrFree)).Status, Is.EqualTo(HttpStatusCode.OK), "the endpoint gate opened");
            Assert.That((await client.GetAsync("/enabled/pricing", TestUser.FrFree)).Body, Is.EqualTo("off"), "a removed feature is off");
            Assert.That((await client.GetAsync("/enabled/new-flag", TestUser.FrFree)).Body, Is.EqualTo("on"), "a new feature is on");
            using var json = JsonDocument.Parse(variant);
            Assert.That(json.RootElement.GetProperty("name").GetString(), Is.EqualTo("everyone"));
            Assert.That(json.RootElement.GetProperty("color").GetString(), Is.EqualTo("red"));
        });
    }

    [Test]
    public async Task ARewrittenBootstrapFileChangesTheAnswers()
    {
        var file = Path.Combine(Path.GetTempPath(), "gb-aspnetcore-tests-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(file, TestPayloads.Main);
        try
        {
            await using var app = new TestAppFactory(new TestAppSettings { GrowthBook = { ["BootstrapFile"] = file } });
            using var client = app.CreateClient();
            var before = await client.GetAsync("/Gated", TestUser.FrFree);

            await File.WriteAllTextAsync(file, TestPayloads.Updated);
            var after = await EventuallyAsync(() => client.GetAsync("/Gated", TestUser.FrFree), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15));
            Assert.Multiple(() =>
            {
                Assert.That(before.Status, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That(after.Status, Is.EqualTo(HttpStatusCode.OK), "the Razor Page gate opened");
            });
        }
        finally
        {
            File.Delete(file);
        }
    }
}
