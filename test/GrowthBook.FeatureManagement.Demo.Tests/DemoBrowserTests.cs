using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;
using RazorPagesDemo.Demo;
using static Microsoft.Playwright.Assertions;

namespace GrowthBook.FeatureManagement.Demo.Tests;

/// <summary>
/// samples/RazorPagesDemo in a real browser: the demo on Kestrel (127.0.0.1) over a copy of its bundled payload, Debian's
/// Chromium driven by Playwright. What each page shows is compared with what GrowthBook's engine gives the same visitor
/// over the same payload, computed here.
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class DemoBrowserTests
{
    private static readonly JsonSerializerOptions PanelJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private DemoHost _demo = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        (_playwright, _browser) = await Browser.LaunchAsync();
        _demo = DemoHost.Start();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CloseContextsAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
    }

    [Test]
    public async Task TheGatedPageAppearsOnlyForTargetedUsers()
    {
        var (page, response) = await OpenAsync(_demo, "/Beta");
        var anonymous = await AnonymousIdAsync(page);
        using (var engine = Engine.Scope(_demo.PayloadFile, anonymous, "US", "free"))
        {
            Assert.That(engine.IsOn("beta-dashboard"), Is.False, "precondition: the payload closes the beta to anonymous visitors");
        }

        Assert.That(response.Status, Is.EqualTo(404), "a closed [FeatureGate] answers 404, with the friendly page as its body");
        await Expect(page.Locator("#feature-unavailable")).ToBeVisibleAsync();
        await Expect(page.Locator("#unavailable-feature")).ToHaveTextAsync("beta-dashboard");
        await Expect(page.Locator("#beta-dashboard")).ToHaveCountAsync(0);

        var seen = new HashSet<bool>();
        foreach (var (id, country, plan) in new[] { ("alice", "FR", "free"), ("carol", "US", "free"), ("carol", "US", "enterprise"), ("dave", "DE", "pro") })
        {
            await SwitchAsync(page, id, country, plan);
            using var engine = Engine.Scope(_demo.PayloadFile, id, country, plan);
            var open = engine.IsOn("beta-dashboard");
            seen.Add(open);
            Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/Beta"), "the switcher goes back to the page it was used on");
            await Expect(page.Locator("#beta-dashboard")).ToHaveCountAsync(open ? 1 : 0);
            await Expect(page.Locator("#feature-unavailable")).ToHaveCountAsync(open ? 0 : 1);
        }

        Assert.That(seen, Is.EquivalentTo(new[] { true, false }), "the cases include both targeted and other users");
    }

    [Test]
    public async Task SwitchingAttributesChangesThePage()
    {
        var (page, _) = await OpenAsync(_demo, "/");
        var banners = new HashSet<string>();
        foreach (var (id, country, plan) in new[] { ("dana", "US", "free"), ("dana", "FR", "pro"), ("dana", "DE", "enterprise"), ("dana", "CA", "pro") })
        {
            await SwitchAsync(page, id, country, plan);
            await Expect(page.Locator("#current-id")).ToHaveTextAsync(id);
            await Expect(page.Locator("#current-country")).ToHaveTextAsync(country);
            await Expect(page.Locator("#current-plan")).ToHaveTextAsync(plan);

            using var engine = Engine.Scope(_demo.PayloadFile, id, country, plan);
            var banner = engine.GetFeatureValue("welcome-banner", "");
            banners.Add(banner);
            await Expect(page.Locator("#welcome-banner")).ToHaveTextAsync(banner);

            var pro = engine.IsOn("pro-reports");
            var shipping = engine.IsOn("free-shipping");
            var beta = engine.IsOn("beta-dashboard");
            var maxItemsRule = engine.EvalFeature("max-items").RuleId;
            await Expect(page.Locator("#perk-pro-reports")).ToHaveCountAsync(pro ? 1 : 0);
            await Expect(page.Locator("#perk-upgrade")).ToHaveCountAsync(pro ? 0 : 1); // negate
            await Expect(page.Locator("#perk-free-shipping")).ToHaveCountAsync(shipping ? 1 : 0);
            await Expect(page.Locator("#perk-bundle")).ToHaveCountAsync(pro && shipping ? 1 : 0); // requirement="All"
            await Expect(page.Locator("#perk-early-access")).ToHaveCountAsync(pro || beta ? 1 : 0); // requirement="Any"
            await Expect(page.Locator("#perk-max-items-pro")).ToHaveCountAsync(maxItemsRule == "fr_max_items_pro" ? 1 : 0); // variant
            await Expect(page.Locator("#perk-max-items-default")).ToHaveCountAsync(maxItemsRule.Length == 0 ? 1 : 0);

            // The panel: every feature, with the engine's value, source and rule for this visitor.
            var keys = engine.Payload.FeatureKeys;
            await Expect(page.Locator("#feature-panel tbody tr")).ToHaveCountAsync(keys.Count);
            foreach (var key in keys)
            {
                var result = engine.EvalFeature(key);
                var row = page.Locator($"#feature-panel tr[data-feature='{key}']");
                await Expect(row.Locator("td.value")).ToHaveTextAsync(JsonSerializer.Serialize(result.Value, PanelJson));
                await Expect(row.Locator("td.source")).ToHaveTextAsync(result.Source.ToString());
                await Expect(row.Locator("td.rule")).ToHaveTextAsync(result.RuleId);
            }
        }

        Assert.That(banners, Has.Count.GreaterThanOrEqualTo(3), "the country changes the banner");
    }

    [Test]
    public async Task TheButtonAndHeadlineAreTheVariationsTheEngineGives()
    {
        var (page, _) = await OpenAsync(_demo, "/");
        var anonymous = await AnonymousIdAsync(page);
        var variants = new HashSet<string>();
        foreach (var id in new[] { anonymous, "user-1", "user-2", "user-3", "user-4", "user-5" })
        {
            if (id != anonymous)
            {
                await SwitchAsync(page, id, "US", "free");
            }

            using var engine = Engine.Scope(_demo.PayloadFile, id, "US", "free");
            var button = engine.EvalFeature("checkout-button");
            Assert.That(button.Source, Is.EqualTo(FeatureSource.Experiment), "precondition: every visitor is in the checkout button test");
            var text = button.Value.GetProperty("text").GetString()!;
            var color = button.Value.GetProperty("color").GetString()!;
            var variant = button.ExperimentResult!.Key;
            variants.Add(variant);

            var checkout = page.Locator("#checkout-button");
            await Expect(checkout).ToHaveTextAsync(text);
            await Expect(checkout).ToHaveAttributeAsync("data-variant", variant);
            await Expect(checkout).ToHaveCSSAsync("background-color", Engine.CssRgb(color));
            await Expect(page.Locator("#checkout-color")).ToHaveTextAsync(color);

            var headline = engine.Run(DemoExperiments.HeroHeadline);
            await Expect(page.Locator("#hero-headline")).ToHaveTextAsync(headline.Value.GetString()!);
            await Expect(page.Locator("#hero-headline")).ToHaveAttributeAsync("data-variation", headline.VariationId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.That(variants, Has.Count.GreaterThanOrEqualTo(2), "the visitors span more than one variation");
    }

    [Test]
    public async Task EditingThePayloadFileChangesThePageWithoutARestart()
    {
        // A host of its own: this test rewrites its payload file.
        await using var demo = DemoHost.Start();
        var (page, _) = await OpenAsync(demo, "/");
        await Expect(page.Locator("#payload-updated")).ToHaveTextAsync("2026-11-20T09:30:00.000Z");
        var before = await page.Locator("#welcome-banner").TextContentAsync();

        var payload = JsonNode.Parse(await File.ReadAllTextAsync(demo.PayloadFile))!;
        payload["dateUpdated"] = "2026-11-21T08:00:00.000Z";
        payload["features"]!["welcome-banner"]!["defaultValue"] = "Spring sale: 20% off everything";
        payload["features"]!["spring-sale"] = new JsonObject { ["defaultValue"] = true };
        await File.WriteAllTextAsync(demo.PayloadFile, payload.ToJsonString());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await page.Locator("#payload-updated").TextContentAsync() != "2026-11-21T08:00:00.000Z" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            await page.ReloadAsync();
        }

        using var engine = Engine.Scope(demo.PayloadFile, await AnonymousIdAsync(page, demo), "US", "free");
        await Expect(page.Locator("#payload-updated")).ToHaveTextAsync("2026-11-21T08:00:00.000Z");
        await Expect(page.Locator("#welcome-banner")).ToHaveTextAsync(engine.GetFeatureValue("welcome-banner", ""));
        Assert.That(await page.Locator("#welcome-banner").TextContentAsync(), Is.Not.EqualTo(before));
        await Expect(page.Locator("#feature-panel tr[data-feature='spring-sale'] td.value")).ToHaveTextAsync("true");
    }

    [Test]
    public async Task AScreenshotOfTheHomePageIsSaved()
    {
        var (page, _) = await OpenAsync(_demo, "/");
        await SwitchAsync(page, "alice", "FR", "pro");
        await Expect(page.Locator("#perk-pro-reports")).ToBeVisibleAsync();

        var directory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "razor-pages-demo-home.png");
        File.Delete(file);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, "The demo's home page for alice (FR, pro)");

        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG");
            Assert.That(bytes, Has.Length.GreaterThan(10_000), "a rendered page, not a blank image");
        });
    }

    private async Task<(IPage Page, IResponse Response)> OpenAsync(DemoHost demo, string path)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = demo.Address.ToString(),
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(path) ?? throw new InvalidOperationException("no response for " + path);
        return (page, response);
    }

    /// <summary>Uses the attribute switcher on the current page and waits for the page it goes back to.</summary>
    private static async Task SwitchAsync(IPage page, string id, string country, string plan)
    {
        var body = page.Locator("body");
        var before = await body.GetAttributeAsync("data-request") ?? "";
        await page.FillAsync("#switch-id", id);
        await page.SelectOptionAsync("#switch-country", country);
        await page.SelectOptionAsync("#switch-plan", plan);
        await page.ClickAsync("#switch-apply");
        await Expect(body).Not.ToHaveAttributeAsync("data-request", before);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>The anonymous id the demo gave this browser (in its <c>gbuuid</c> cookie, protected with the demo's keys).</summary>
    private async Task<string> AnonymousIdAsync(IPage page, DemoHost? demo = null)
    {
        var cookies = await page.Context.CookiesAsync();
        var cookie = cookies.Single(c => c.Name == "gbuuid").Value;
        return (demo ?? _demo).Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Unprotect(cookie);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GrowthBook.FeatureManagement.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (GrowthBook.FeatureManagement.sln) is not above " + AppContext.BaseDirectory);
    }
}
