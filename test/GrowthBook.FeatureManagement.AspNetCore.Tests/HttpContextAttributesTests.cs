using System.Net;
using System.Text.Json;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>The attributes GrowthBook sees for a request: id, anonymous id cookie, URL parts, device, UTM, claims, the Enrich hook.</summary>
[TestFixture]
public sealed class HttpContextAttributesTests : BootstrappedAppFixture
{
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    private const string DesktopFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    protected override WebApplicationFactoryClientOptions ClientOptions => new WebApplicationFactoryClientOptions { HandleCookies = false };

    private async Task<(JsonElement Attributes, string? Url, string? SetCookie)> AttributesAsync(HttpRequestMessage request)
    {
        using var response = await Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.SingleOrDefault(c => c.StartsWith("gbuuid=", StringComparison.Ordinal)) : null;
        return (json.RootElement.GetProperty("attributes").Clone(), json.RootElement.GetProperty("url").GetString(), setCookie);
    }

    private static string? Text(JsonElement attributes, string name) => attributes.TryGetProperty(name, out var value) ? value.ToString() : null;

    [Test]
    public async Task AnAnonymousVisitorGetsAStableIdFromTheProtectedCookieItIssues()
    {
        var (first, _, setCookie) = await AttributesAsync(TestUser.Anonymous.Get("/attributes"));
        Assert.That(setCookie, Is.Not.Null, "the anonymous id cookie is issued");
        var issued = setCookie!.Split(';')[0]["gbuuid=".Length..];

        var again = TestUser.Anonymous.Get("/attributes");
        again.Headers.Add("Cookie", "gbuuid=" + issued);
        var (second, _, secondSetCookie) = await AttributesAsync(again);
        Assert.Multiple(() =>
        {
            Assert.That(setCookie, Does.Contain("httponly").IgnoreCase.And.Contain("samesite=lax").IgnoreCase);
            Assert.That(Text(first, "id"), Does.Match("^[0-9a-f]{32}$"));
            Assert.That(issued, Does.Not.Contain(Text(first, "id")!), "the cookie holds the id protected, not in clear");
            Assert.That(TestCookies.UnprotectAnonymousId(App.Services, issued), Is.EqualTo(Text(first, "id")));
            Assert.That(Text(first, "anonymousId"), Is.EqualTo(Text(first, "id")));
            Assert.That(first.GetProperty("loggedIn").GetBoolean(), Is.False);
            Assert.That(Text(second, "id"), Is.EqualTo(Text(first, "id")), "the same visitor keeps the id");
            Assert.That(secondSetCookie, Is.Null, "no new cookie once it has one");
        });
    }

    [TestCase("%3Cscript%3E")]
    [TestCase("visitor-chosen-id")] // a plain id: not issued by this app
    public async Task ACookieThisAppDidNotIssueIsReplaced(string cookie)
    {
        var request = TestUser.Anonymous.Get("/attributes");
        request.Headers.Add("Cookie", "gbuuid=" + cookie);
        var (attributes, _, setCookie) = await AttributesAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(Text(attributes, "id"), Does.Match("^[0-9a-f]{32}$"));
            Assert.That(setCookie, Is.Not.Null);
        });
    }

    [Test]
    public async Task ASignedInUsersIdIsTheirClaimAndMappedClaimsAreAttributes()
    {
        var request = new TestUser("alice", "US", "premium", "admin,editor").Get("/attributes");
        request.Headers.Add("Cookie", "gbuuid=" + TestCookies.AnonymousId(App.Services, "anon-123"));
        var (attributes, _, _) = await AttributesAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(Text(attributes, "id"), Is.EqualTo("alice"));
            Assert.That(Text(attributes, "anonymousId"), Is.EqualTo("anon-123"));
            Assert.That(attributes.GetProperty("loggedIn").GetBoolean(), Is.True);
            Assert.That(Text(attributes, "country"), Is.EqualTo("US"), "a claim passed on as an attribute");
            Assert.That(attributes.GetProperty("roles").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "admin", "editor" }), "a repeated claim is an array");
            Assert.That(Text(attributes, "plan"), Is.EqualTo("premium"), "set by the Enrich hook");
        });
    }

    [Test]
    public async Task TheSubClaimIsTheIdWhenThereIsNoNameIdentifier()
    {
        var request = new TestUser("sub-42").Get("/attributes");
        request.Headers.Add("X-Test-Sub-Claim", "1");
        var (attributes, _, _) = await AttributesAsync(request);
        Assert.That(Text(attributes, "id"), Is.EqualTo("sub-42"));
    }

    [Test]
    public async Task TheRequestGivesUrlPathHostQueryDeviceAndUtm()
    {
        var request = TestUser.Anonymous.Get("/attributes?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&x=1");
        request.Headers.Add("User-Agent", IPhone);
        var (attributes, url, _) = await AttributesAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(Text(attributes, "url"), Is.EqualTo("http://localhost/attributes?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&x=1"));
            Assert.That(url, Is.EqualTo(Text(attributes, "url")), "the user's URL, for URL targeting");
            Assert.That(Text(attributes, "path"), Is.EqualTo("/attributes"));
            Assert.That(Text(attributes, "host"), Is.EqualTo("localhost"));
            Assert.That(Text(attributes, "query"), Does.StartWith("?utm_source=newsletter"));
            Assert.That(Text(attributes, "userAgent"), Is.EqualTo(IPhone));
            Assert.That(Text(attributes, "browser"), Is.EqualTo("safari"));
            Assert.That(Text(attributes, "deviceType"), Is.EqualTo("mobile"));
            Assert.That(Text(attributes, "utm_source"), Is.EqualTo("newsletter"));
            Assert.That(Text(attributes, "utm_medium"), Is.EqualTo("email"));
            Assert.That(Text(attributes, "utm_campaign"), Is.EqualTo("spring"));
            Assert.That(Text(attributes, "utm_term"), Is.EqualTo("shoes"));
            Assert.That(Text(attributes, "utm_content"), Is.EqualTo("hero"));
            Assert.That(attributes.TryGetProperty("x", out _), Is.False, "other query parameters are not attributes");
        });
    }

    [Test]
    public async Task ADesktopBrowser()
    {
        var request = TestUser.Anonymous.Get("/attributes");
        request.Headers.Add("User-Agent", DesktopFirefox);
        var (attributes, _, _) = await AttributesAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(Text(attributes, "browser"), Is.EqualTo("firefox"));
            Assert.That(Text(attributes, "deviceType"), Is.EqualTo("desktop"));
            Assert.That(attributes.TryGetProperty("utm_source", out _), Is.False);
        });
    }

    [Test]
    public async Task AttributesAreComputedOncePerRequest()
    {
        // The endpoint evaluates six features and variants; the Enrich hook counts its calls for the request.
        var first = await Client.GetAsync("/evaluate-many", TestUser.UsPremium);
        var second = await Client.GetAsync("/evaluate-many", TestUser.FrFree);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo((HttpStatusCode.OK, "1")));
            Assert.That(second, Is.EqualTo((HttpStatusCode.OK, "1")));
        });
    }

    [Test]
    public async Task OutsideARequestTheUserIsAnonymous()
    {
        var accessor = App.Services.GetRequiredService<IGrowthBookUserContextAccessor>();
        var user = await accessor.GetUserContextAsync();
        Assert.That(user.Attributes.Count, Is.Zero);
    }
}
