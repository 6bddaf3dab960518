using System.Net;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>WithFeatureGate on minimal API endpoints, UseForFeature middleware, and configuration flags next to GrowthBook's.</summary>
[TestFixture]
public sealed class EndpointAndMiddlewareTests : BootstrappedAppFixture
{
    [Test]
    public async Task WithFeatureGateOnAMinimalApiEndpoint()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await Client.GetAsync("/minimal/checkout", TestUser.UsFree), Is.EqualTo((HttpStatusCode.OK, "minimal checkout")));
            Assert.That((await Client.GetAsync("/minimal/checkout", TestUser.FrFree)).Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await Client.GetAsync("/minimal/checkout-or-premium", TestUser.FrPremium)).Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await Client.GetAsync("/minimal/checkout-or-premium", TestUser.FrFree)).Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await Client.GetAsync("/minimal/not-checkout", TestUser.FrFree)).Status, Is.EqualTo(HttpStatusCode.OK), "negate");
            Assert.That((await Client.GetAsync("/minimal/not-checkout", TestUser.UsFree)).Status, Is.EqualTo(HttpStatusCode.NotFound), "negate");
        });
    }

    [Test]
    public async Task UseForFeatureRunsTheBranchOnlyForUsersWithTheFeature()
    {
        using var us = await Client.SendAsync(TestUser.UsFree.Get("/ping"));
        using var france = await Client.SendAsync(TestUser.FrFree.Get("/ping"));
        Assert.Multiple(async () =>
        {
            Assert.That(us.Headers.TryGetValues("X-Checkout-Middleware", out var values) ? values.Single() : null, Is.EqualTo("on"));
            Assert.That(france.Headers.Contains("X-Checkout-Middleware"), Is.False);
            Assert.That(await us.Content.ReadAsStringAsync(), Is.EqualTo("pong"), "the branch rejoins the main pipeline");
            Assert.That(await france.Content.ReadAsStringAsync(), Is.EqualTo("pong"));
        });
    }

    [Test]
    public async Task ConfigurationFlagsWithMicrosoftPercentageAndTheGrowthBookFilterSideBySide()
    {
        Assert.Multiple(async () =>
        {
            // .NET schema: Percentage 0 OR GrowthBook(checkout-v2): GrowthBook targeting decides.
            Assert.That((await Client.GetAsync("/enabled/PercentOrGrowthBook", TestUser.UsFree)).Body, Is.EqualTo("on"));
            Assert.That((await Client.GetAsync("/enabled/PercentOrGrowthBook", TestUser.FrPremium)).Body, Is.EqualTo("off"));

            // Microsoft schema: Percentage 0 OR GrowthBook(premium-only).
            Assert.That((await Client.GetAsync("/enabled/MsPercentOrGrowthBook", TestUser.FrPremium)).Body, Is.EqualTo("on"));
            Assert.That((await Client.GetAsync("/enabled/MsPercentOrGrowthBook", TestUser.UsFree)).Body, Is.EqualTo("off"));

            // Microsoft.Percentage alone, and plain flags in both schemas.
            Assert.That((await Client.GetAsync("/enabled/PercentOnly", TestUser.FrFree)).Body, Is.EqualTo("on"));
            Assert.That((await Client.GetAsync("/enabled/PercentZero", TestUser.UsPremium)).Body, Is.EqualTo("off"));
            Assert.That((await Client.GetAsync("/enabled/MsFlag", TestUser.Anonymous)).Body, Is.EqualTo("on"));
            Assert.That((await Client.GetAsync("/enabled/DotnetFlag", TestUser.Anonymous)).Body, Is.EqualTo("on"));

            // GrowthBook features themselves.
            Assert.That((await Client.GetAsync("/enabled/checkout-v2", TestUser.UsFree)).Body, Is.EqualTo("on"));
            Assert.That((await Client.GetAsync("/enabled/checkout-v2", TestUser.FrFree)).Body, Is.EqualTo("off"));

            // A gate on the configuration flag.
            Assert.That((await Client.GetAsync("/mvc/config-flag", TestUser.UsFree)).Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await Client.GetAsync("/mvc/config-flag", TestUser.FrFree)).Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
