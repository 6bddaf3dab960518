using System.Net;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>[FeatureGate] on MVC actions and on a Razor Page model, decided by GrowthBook targeting on the request's user.</summary>
[TestFixture]
public sealed class FeatureGateTests : BootstrappedAppFixture
{
    [Test]
    public async Task AnMvcActionIs200ForAUserWhoPassesTargetingAnd404ForOneWhoFails()
    {
        var us = await Client.GetAsync("/mvc/checkout", TestUser.UsFree);
        var france = await Client.GetAsync("/mvc/checkout", TestUser.FrFree);
        var anonymous = await Client.GetAsync("/mvc/checkout", TestUser.Anonymous);
        Assert.Multiple(() =>
        {
            Assert.That(us, Is.EqualTo((HttpStatusCode.OK, "mvc checkout")));
            Assert.That(france.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(anonymous.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [TestCase("/mvc/any", "US", "free", HttpStatusCode.OK)]
    [TestCase("/mvc/any", "FR", "premium", HttpStatusCode.OK)]
    [TestCase("/mvc/any", "FR", "free", HttpStatusCode.NotFound)]
    [TestCase("/mvc/all", "US", "premium", HttpStatusCode.OK)]
    [TestCase("/mvc/all", "US", "free", HttpStatusCode.NotFound)]
    [TestCase("/mvc/all", "FR", "premium", HttpStatusCode.NotFound)]
    public async Task RequirementTypesCombineGrowthBookFeatures(string path, string country, string plan, HttpStatusCode expected)
    {
        var (status, _) = await Client.GetAsync(path, new TestUser("u-" + country + plan, country, plan));
        Assert.That(status, Is.EqualTo(expected));
    }

    [Test]
    public async Task ARazorPageModelIs200ForAUserWhoPassesTargetingAnd404ForOneWhoFails()
    {
        var us = await Client.GetAsync("/Gated", TestUser.UsFree);
        var france = await Client.GetAsync("/Gated", TestUser.FrPremium);
        Assert.Multiple(() =>
        {
            Assert.That(us.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(us.Body, Does.Contain("gated page: welcome"));
            Assert.That(france.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task AConfiguredDisabledFeaturesHandlerAnswersForMvc()
    {
        await using var app = new TestAppFactory(new TestAppSettings
        {
            GrowthBook = { ["BootstrapPayload"] = Testing.TestPayloads.Main },
            UseDisabledFeaturesHandler = true,
        });
        using var client = app.CreateClient();
        var france = await client.GetAsync("/mvc/checkout", TestUser.FrFree);
        var us = await client.GetAsync("/mvc/checkout", TestUser.UsFree);
        var page = await client.GetAsync("/Gated", TestUser.FrFree);
        Assert.Multiple(() =>
        {
            Assert.That(france, Is.EqualTo((HttpStatusCode.Forbidden, "disabled: checkout-v2")));
            Assert.That(us, Is.EqualTo((HttpStatusCode.OK, "mvc checkout")));

            // Microsoft.FeatureManagement 4.7 answers a gated Razor Page with 404 whatever the handler (the handler is MVC's).
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
