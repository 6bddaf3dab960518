using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>The web app does not start with GrowthBook unconfigured, and says what to set.</summary>
[TestFixture]
public sealed class StartupTests
{
    [Test]
    public async Task NeitherClientKeyNorBootstrapStopsTheAppAtStart()
    {
        await using var app = new TestAppFactory(new TestAppSettings());
        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.That(error!.Message, Does.Contain("GrowthBook:ClientKey").And.Contain("BootstrapPayload").And.Contain("BootstrapFile"));
    }
}
