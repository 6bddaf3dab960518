using Microsoft.Extensions.DependencyInjection;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;

/// <summary>What one instance of the test app is started with.</summary>
internal sealed class TestAppSettings
{
    /// <summary>The <c>GrowthBook</c> configuration section (key → value, without the section prefix).</summary>
    public Dictionary<string, string?> GrowthBook { get; init; } = [];

    /// <summary>Answer disabled MVC feature gates with a 403 and the feature names instead of Microsoft's default 404.</summary>
    public bool UseDisabledFeaturesHandler { get; init; }

    /// <summary>More services, registered after the app's own (so they win).</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>More of the GrowthBook setup, hung from the builder <c>AddGrowthBook</c> returned.</summary>
    public Action<IGrowthBookBuilder>? GrowthBookSetup { get; init; }

    /// <summary>The app over a bootstrap payload (offline).</summary>
    public static TestAppSettings Bootstrap(string payload = Testing.TestPayloads.Main) => new() { GrowthBook = { ["BootstrapPayload"] = payload } };
}
