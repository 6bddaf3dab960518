using System.Net;
using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// The cookie sticky-bucket store in a real in-process host: an anonymous visitor keeps their variation across requests
/// after the experiment's weights change, the cookie holds GrowthBook's documents as documented (unprotected), and a
/// tampered cookie is ignored and replaced; protected (the default), the cookie is opaque and a forged one is ignored.
/// </summary>
[TestFixture]
public sealed class CookieStickyBucketingTests
{
    private static readonly WebApplicationFactoryClientOptions ManualCookies = new() { HandleCookies = false };

    [Test]
    public async Task AnAnonymousVisitor_KeepsTheirVariation_AfterTheWeightsChange()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(StickyTestPayloads.AllControl);
        await using var app = StartApp(api, protect: false);
        using var http = app.CreateClient(ManualCookies);

        var (first, cookies) = await VariantAsync(http, cookies: null);
        Assert.That(first, Is.EqualTo("0"));
        Assert.That(cookies, Does.ContainKey("gbuuid").And.ContainKey("gbStickyBuckets"));

        // The cookie: base64url of GrowthBook's documents, here the visitor's anonymous id's.
        using var stored = JsonDocument.Parse(WebEncoders.Base64UrlDecode(cookies["gbStickyBuckets"]));
        var document = stored.RootElement.EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(document.GetProperty("attributeName").GetString(), Is.EqualTo("id"));
            Assert.That(document.GetProperty("attributeValue").GetString(), Is.EqualTo(cookies["gbuuid"]));
            Assert.That(document.GetProperty("assignments").GetProperty("checkout-exp__0").GetString(), Is.EqualTo("0"));
        });

        // GrowthBook flips the weights; the host picks the change up and a new visitor gets the treatment.
        await SwitchToTreatmentAsync(api, app, http);

        for (var i = 0; i < 3; i++)
        {
            Assert.That((await VariantAsync(http, cookies)).Name, Is.EqualTo("0"), "the returning visitor keeps their variation");
        }
    }

    [TestCase("not base64 ! ; ")]
    [TestCase("W3sibm90IjoiYSBkb2N1bWVudCJ9XQ")] // base64url of [{"not":"a document"}]
    [TestCase("e30")] // base64url of {}
    public async Task ATamperedCookie_IsIgnored_AndReplaced(string tampered)
    {
        await using var api = await FakeGrowthBookApi.StartAsync(StickyTestPayloads.AllTreatment);
        await using var app = StartApp(api, protect: false);
        using var http = app.CreateClient(ManualCookies);

        var (name, cookies) = await VariantAsync(http, new Dictionary<string, string> { ["gbuuid"] = "visitor-1", ["gbStickyBuckets"] = tampered });

        Assert.That(name, Is.EqualTo("1"), "evaluated as without a cookie");
        using var replaced = JsonDocument.Parse(WebEncoders.Base64UrlDecode(cookies["gbStickyBuckets"]));
        Assert.That(replaced.RootElement.EnumerateArray().Single().GetProperty("attributeValue").GetString(), Is.EqualTo("visitor-1"));
    }

    [Test]
    public async Task ADocumentInTheCookie_IsHonouredOnlyForItsOwnVisitor()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(StickyTestPayloads.AllTreatment);
        await using var app = StartApp(api, protect: false);
        using var http = app.CreateClient(ManualCookies);
        var cookie = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(
            """[{"attributeName":"id","attributeValue":"visitor-1","assignments":{"checkout-exp__0":"0"}}]"""));

        var own = await VariantAsync(http, new Dictionary<string, string> { ["gbuuid"] = "visitor-1", ["gbStickyBuckets"] = cookie });
        var other = await VariantAsync(http, new Dictionary<string, string> { ["gbuuid"] = "visitor-2", ["gbStickyBuckets"] = cookie });

        Assert.Multiple(() =>
        {
            Assert.That(own.Name, Is.EqualTo("0"));
            Assert.That(other.Name, Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Protected_TheCookieIsOpaque_TheVisitorStaysSticky_AndAForgedDocumentIsIgnored()
    {
        await using var api = await FakeGrowthBookApi.StartAsync(StickyTestPayloads.AllControl);
        await using var app = StartApp(api, protect: true);
        using var http = app.CreateClient(ManualCookies);
        var (first, cookies) = await VariantAsync(http, cookies: null);
        Assert.That(first, Is.EqualTo("0"));
        Assert.That(() => JsonDocument.Parse(WebEncoders.Base64UrlDecode(cookies["gbStickyBuckets"])), Throws.InstanceOf<JsonException>(), "not readable JSON");

        await SwitchToTreatmentAsync(api, app, http);

        // The visitor's own (protected) cookies keep them in 0; a document forged in the plain format, for a visitor
        // whose anonymous id is genuine, is ignored and replaced.
        var forged = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(
            """[{"attributeName":"id","attributeValue":"visitor-1","assignments":{"checkout-exp__0":"0"}}]"""));
        var own = await VariantAsync(http, cookies);
        var forgedAttempt = await VariantAsync(http, new Dictionary<string, string>
        {
            ["gbuuid"] = TestCookies.AnonymousId(app.Services, "visitor-1"),
            ["gbStickyBuckets"] = forged,
        });
        Assert.Multiple(() =>
        {
            Assert.That(own.Name, Is.EqualTo("0"), "sticky through the protected cookie");
            Assert.That(forgedAttempt.Name, Is.EqualTo("1"), "the forged assignment is not honoured");
            Assert.That(forgedAttempt.Cookies["gbStickyBuckets"], Is.Not.EqualTo(forged), "and the cookie is replaced");
        });
    }

    // GrowthBook flips the weights to the treatment and the app fetches them (it refreshes only when told: RefreshStrategy
    // None); fails unless a new visitor then gets the treatment.
    private static async Task SwitchToTreatmentAsync(FakeGrowthBookApi api, TestAppFactory app, HttpClient http)
    {
        api.Payload = StickyTestPayloads.AllTreatment;
        Assert.That(await app.Services.GetRequiredService<GrowthBookClient>().RefreshAsync(), Is.True, "the app fetched the new weights");
        Assert.That((await VariantAsync(http, cookies: null)).Name, Is.EqualTo("1"), "a new visitor gets the new weights");
    }

    private static TestAppFactory StartApp(FakeGrowthBookApi api, bool protect) => new(new TestAppSettings
    {
        GrowthBook =
        {
            ["ClientKey"] = FakeGrowthBookApi.ClientKey,
            ["ApiHost"] = api.Url,
            ["RefreshStrategy"] = "None",
        },
        GrowthBookSetup = growthBook => growthBook
            .WithHttpContext(o => o.ProtectAnonymousId = protect)
            .WithCookieStickyBucketing(o => o.Protect = protect),
    });

    /// <summary>GETs the checkout variant with the given cookies; returns its name and the cookies after the response.</summary>
    private static async Task<(string Name, Dictionary<string, string> Cookies)> VariantAsync(HttpClient http, Dictionary<string, string>? cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/variant/" + StickyTestPayloads.Feature);
        if (cookies is { Count: > 0 })
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)));
        }

        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var after = new Dictionary<string, string>(cookies ?? [], StringComparer.Ordinal);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';')[0].Split('=', 2);
                after[pair[0]] = pair[1];
            }
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("name").GetString()!, after);
    }
}
