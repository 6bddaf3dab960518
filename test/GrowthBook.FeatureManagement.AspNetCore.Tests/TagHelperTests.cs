using System.Net;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>The &lt;feature&gt; tag helper with name lists, requirement, negate and variant, in an MVC view and a Razor Page.</summary>
[TestFixture]
public sealed class TagHelperTests : BootstrappedAppFixture
{
    private static readonly string[] ViewBlocks =
    [
        "checkout-on", "checkout-off", "checkout-and-premium", "checkout-or-premium", "neither",
        "button-control", "button-treatment", "button-not-treatment", "button-in-experiment", "config-flag", "percent-zero",
    ];

    private static string UserIn(string variation)
    {
        var payload = GrowthBookPayload.Parse(TestPayloads.Main);
        var experiment = TestPayloads.RuleExperiment(TestPayloads.Main, "button-style");
        return Enumerable.Range(0, 100).Select(i => "user-" + i).First(id => TestPayloads.EngineVariant(payload, experiment, id).Name == variation);
    }

    private async Task<string[]> RenderedAsync(string path, TestUser user, string[] blocks)
    {
        var (status, body) = await Client.GetAsync(path, user);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        return blocks.Where(id => body.Contains($"id=\"{id}\"", StringComparison.Ordinal)).ToArray();
    }

    [Test]
    public async Task AUsUserInTheTreatment()
    {
        var rendered = await RenderedAsync("/mvc/features", new TestUser(UserIn("treatment"), "US", "free"), ViewBlocks);
        Assert.That(rendered, Is.EquivalentTo(new[] { "checkout-on", "checkout-or-premium", "button-treatment", "button-in-experiment", "config-flag" }));
    }

    [Test]
    public async Task AFrenchPremiumUserInControl()
    {
        var rendered = await RenderedAsync("/mvc/features", new TestUser(UserIn("control"), "FR", "premium"), ViewBlocks);
        Assert.That(rendered, Is.EquivalentTo(new[] { "checkout-off", "checkout-or-premium", "button-control", "button-not-treatment", "button-in-experiment" }));
    }

    [Test]
    public async Task AUsPremiumUserGetsTheAllBlock()
    {
        var rendered = await RenderedAsync("/mvc/features", new TestUser(UserIn("control"), "US", "premium"), ViewBlocks);
        Assert.That(rendered, Is.EquivalentTo(new[] { "checkout-on", "checkout-and-premium", "checkout-or-premium", "button-control", "button-not-treatment", "button-in-experiment", "config-flag" }));
    }

    [Test]
    public async Task AnAnonymousVisitorIsBucketedByItsCookieIdAndPassesNoTargeting()
    {
        // An anonymous visitor still has an id (the anonymous cookie), so it is bucketed like anyone else.
        var rendered = await RenderedAsync("/mvc/features", TestUser.Anonymous, ViewBlocks);
        Assert.Multiple(() =>
        {
            Assert.That(rendered, Does.Contain("checkout-off").And.Contain("neither").And.Contain("button-in-experiment"));
            Assert.That(rendered, Does.Not.Contain("checkout-on").And.Not.Contain("config-flag"));
        });
    }

    [TestCase("premium", new[] { "page-premium", "page-premium-items" })]
    [TestCase("free", new[] { "page-not-premium", "page-default-items" })]
    public async Task ARazorPageUsesTheTagHelperToo(string plan, string[] expected)
    {
        var rendered = await RenderedAsync("/Features", new TestUser("u-page", "FR", plan), ["page-premium", "page-not-premium", "page-premium-items", "page-default-items"]);
        Assert.That(rendered, Is.EquivalentTo(expected));
    }
}
