using System.Net;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using RazorPagesDemo.Pages;

namespace GrowthBook.FeatureManagement.Demo.Tests;

/// <summary>
/// How an app tests its own feature-gated page with GrowthBook.FeatureManagement.Testing (docs/testing.md): the demo,
/// unchanged, in memory through <see cref="WebApplicationFactory{TEntryPoint}"/>, its GrowthBook client served by test
/// data instead of its bundled payload. The test opens and closes the <c>[FeatureGate("beta-dashboard")]</c> page.
/// </summary>
public sealed class GatedPageTests
{
    [Test]
    public async Task TheBetaDashboard_OpensAndCloses_WithTheTestData()
    {
        var testData = new GrowthBookTestData().Set(BetaModel.Feature, false);
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureTestServices(services => services.AddGrowthBookTestData(testData));
        });
        using var http = app.CreateClient();

        var closed = await http.GetAsync("/Beta");
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await closed.Content.ReadAsStringAsync(), Does.Contain("Not available for you yet").And.Contain(BetaModel.Feature));

        // While the app runs, as a change published in GrowthBook would reach it.
        testData.Set(BetaModel.Feature, true);

        var open = await http.GetAsync("/Beta");
        Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await open.Content.ReadAsStringAsync(), Does.Contain("id=\"beta-dashboard\""));

        testData.Remove(BetaModel.Feature); // an unknown feature is off
        Assert.That((await http.GetAsync("/Beta")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task TheBetaDashboard_OpensForTheUsersARuleTargets()
    {
        var testData = new GrowthBookTestData()
            .Feature(BetaModel.Feature, f => f.DefaultValue(false).When("browser", "firefox").Serve(true));
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureTestServices(services => services.AddGrowthBookTestData(testData));
        });
        using var http = app.CreateClient();

        Assert.That((await GetBetaAsync(http, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetBetaAsync(http, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static Task<HttpResponseMessage> GetBetaAsync(HttpClient http, string userAgent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/Beta");
        request.Headers.UserAgent.ParseAdd(userAgent);
        return http.SendAsync(request);
    }
}
