using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// What a visitor cannot steer through the request: querystring overrides (off outside Development unless turned on;
/// URL targeting unaffected), the anonymous id (protected: a cookie the app did not issue is replaced and logged at
/// Debug), and the warning when any Host header is accepted.
/// </summary>
[TestFixture]
public sealed class RequestSecurityTests
{
    [TestCase("Production", null, "off")]
    [TestCase("Staging", null, "off")]
    [TestCase("Development", null, "on")]
    [TestCase("Production", true, "on")]
    [TestCase("Development", false, "off")]
    public async Task QueryStringOverrides_FollowTheEnvironment_UnlessConfigured(string environment, bool? allow, string expected)
    {
        await using var app = await MiniApp.StartAsync(environment, gb => gb.WithHttpContext(o => o.AllowQueryStringOverrides = allow));
        var (plain, _) = await app.GetAsync("/page", "qa-gated");
        var (forced, _) = await app.GetAsync("/page?qa-exp=1", "qa-gated");
        Assert.Multiple(() =>
        {
            Assert.That(plain, Is.EqualTo("off"), "nobody is in the variation without the override");
            Assert.That(forced, Is.EqualTo(expected));
        });
    }

    [Test]
    public async Task UrlTargeting_StillWorks_WithoutQueryStringOverrides()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb => gb.WithHttpContext());
        Assert.Multiple(async () =>
        {
            Assert.That((await app.GetAsync("/promo", "url-targeted")).Answer, Is.EqualTo("on"));
            Assert.That((await app.GetAsync("/promo?promo-exp=0", "url-targeted")).Answer, Is.EqualTo("on"), "the override is ignored, the targeting is not");
            Assert.That((await app.GetAsync("/elsewhere", "url-targeted")).Answer, Is.EqualTo("off"));
        });
    }

    [Test]
    public async Task AnAnonymousIdCookieTheAppDidNotIssue_IsReplaced_AndLoggedAtDebugWithoutItsValue()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb => gb.WithHttpContext());
        const string Forged = "chosen-by-the-visitor";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/user");
        request.Headers.Add("Cookie", "gbuuid=" + Forged);
        using var response = await app.Client.SendAsync(request);
        var attributes = await response.Content.ReadAsStringAsync();
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gbuuid=", StringComparison.Ordinal));
        var rejected = app.Logs.Where(l => l.Message.Contains("was not issued by this app", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(attributes, Does.Not.Contain(Forged));
            Assert.That(setCookie, Does.Not.Contain(Forged), "replaced by a protected id of the app's own");
            Assert.That(rejected.Select(l => l.Level), Is.EqualTo(new[] { LogLevel.Debug }));
            Assert.That(app.Logs.Where(l => l.Message.Contains(Forged, StringComparison.Ordinal)), Is.Empty, "the value is client input: never logged");
        });
    }

    [Test]
    public async Task AStickyBucketCookieTheAppDidNotWrite_IsIgnored_AndLoggedAtDebugWithoutItsValue()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb => gb.WithHttpContext().WithCookieStickyBucketing());
        var issued = (await app.GetAsync("/page", "qa-gated")).SetCookie!;
        var anonymousId = issued.Split('\n').Single(c => c.StartsWith("gbuuid=", StringComparison.Ordinal)).Split(';')[0];
        const string Forged = "W3siYXR0cmlidXRlTmFtZSI6ImlkIn1d";
        var (answer, setCookie) = await app.GetAsync("/page", "qa-gated", anonymousId + "; gbStickyBuckets=" + Forged);
        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo("off"));
            Assert.That(setCookie, Does.Contain("gbStickyBuckets=").And.Not.Contain(Forged), "replaced by the app's own");
            Assert.That(app.Logs.Where(l => l.Message.Contains("sticky-bucket cookie was not one this app wrote", StringComparison.Ordinal)).Select(l => l.Level),
                Is.EqualTo(new[] { LogLevel.Debug }));
            Assert.That(app.Logs.Where(l => l.Message.Contains(Forged, StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public async Task WithProtectionOff_ThePlainIdIsRead_AsGrowthBooksBrowserSdkWritesIt()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb => gb.WithHttpContext(o => o.ProtectAnonymousId = false));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/user");
        request.Headers.Add("Cookie", "gbuuid=4f1c2e9a-browser-id");
        using var response = await app.Client.SendAsync(request);
        Assert.Multiple(async () =>
        {
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"id\":\"4f1c2e9a-browser-id\""));
            Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
        });
    }

    [TestCase("*", false, true)]
    [TestCase("localhost;example.com", false, false)]
    [TestCase("localhost;example.com", true, true)]
    public async Task AWarningOnceAtStart_WhenAnyHostIsAccepted(string allowedHosts, bool forwardAnyHost, bool warned)
    {
        await using var app = await MiniApp.StartAsync(
            Environments.Production,
            gb => gb.WithHttpContext(),
            b => b.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = forwardAnyHost ? ForwardedHeaders.XForwardedHost : ForwardedHeaders.None),
            allowedHosts);
        await app.GetAsync("/page", "qa-gated");
        await app.GetAsync("/page", "qa-gated");
        var warnings = app.Logs.Where(l => l.Level == LogLevel.Warning && l.Category == "GrowthBook.AspNetCore").ToList();
        Assert.That(warnings, Has.Count.EqualTo(warned ? 1 : 0));
        if (warned)
        {
            Assert.That(warnings[0].Message, Does.Contain(forwardAnyHost ? "ForwardedHeadersOptions.AllowedHosts" : "AllowedHosts (HostFilteringOptions)"));
        }
    }

    [Test]
    public async Task WithRealAllowedHosts_AForeignHostHeaderIsRefusedBeforeAnyEvaluation()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb => gb.WithHttpContext(), allowedHosts: "localhost");
        Assert.Multiple(async () =>
        {
            Assert.That((await app.GetAsync("/page", "qa-gated", host: "evil.example")).Answer, Is.EqualTo("HTTP 400"));
            Assert.That((await app.GetAsync("/page", "qa-gated", host: "localhost")).Answer, Is.EqualTo("off"));
        });
    }
}
