using Microsoft.Playwright;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Demo.Tests;

/// <summary>Debian's Chromium driven by Playwright's bundled driver: no browser is downloaded.</summary>
internal static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--no-sandbox", // root in a container: Chromium's sandbox needs user namespaces it may not have
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium is not installed at {ChromiumPath}: install Debian's package (apt-get install -y chromium); .ci/run installs it. These tests never download a browser.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = Args,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
