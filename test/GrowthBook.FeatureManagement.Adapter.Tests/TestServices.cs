using System.Text;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>A plain ServiceCollection with Microsoft.FeatureManagement, the one-line GrowthBook setup, and configuration flags in both schemas.</summary>
internal static class TestServices
{
    /// <summary>Configuration flags: the Microsoft schema (<c>feature_management</c>) and the .NET schema (<c>FeatureManagement</c>) side by side.</summary>
    public const string ConfigurationFlags = """
        {
          "feature_management": {
            "feature_flags": [
              { "id": "MsFlag", "enabled": true },
              { "id": "clash", "enabled": false },
              {
                "id": "MsPercentOrGrowthBook", "enabled": true,
                "conditions": { "requirement_type": "Any", "client_filters": [
                  { "name": "Microsoft.Percentage", "parameters": { "Value": 0 } },
                  { "name": "GrowthBook", "parameters": { "Feature": "premium-only" } } ] }
              },
              {
                "id": "MsVariantFlag", "enabled": true,
                "variants": [ { "name": "Big", "configuration_value": { "Size": 40 } }, { "name": "Small", "configuration_value": { "Size": 10 } } ],
                "allocation": { "default_when_enabled": "Big", "user": [ { "variant": "Small", "users": [ "bob" ] } ] }
              },
              {
                "id": "MsTargeted", "enabled": true,
                "conditions": { "client_filters": [ { "name": "Microsoft.Targeting", "parameters": { "Audience": { "Users": [ "alice" ], "DefaultRolloutPercentage": 0 } } } ] }
              }
            ]
          },
          "FeatureManagement": {
            "DotnetFlag": true,
            "DotnetOff": false,
            "clash-dotnet": false,
            "PercentOrGrowthBook": { "RequirementType": "Any", "EnabledFor": [
              { "Name": "Microsoft.Percentage", "Parameters": { "Value": 0 } },
              { "Name": "GrowthBook", "Parameters": { "Feature": "checkout-v2" } } ] },
            "PercentAndGrowthBook": { "RequirementType": "All", "EnabledFor": [
              { "Name": "Microsoft.Percentage", "Parameters": { "Value": 100 } },
              { "Name": "GrowthBook", "Parameters": { "Feature": "checkout-v2" } } ] },
            "ZeroPercentAndGrowthBook": { "RequirementType": "All", "EnabledFor": [
              { "Name": "Microsoft.Percentage", "Parameters": { "Value": 0 } },
              { "Name": "GrowthBook", "Parameters": { "Feature": "checkout-v2" } } ] },
            "PercentOnly": { "EnabledFor": [ { "Name": "Microsoft.Percentage", "Parameters": { "Value": 100 } } ] },
            "GroupsViaGrowthBook": { "EnabledFor": [ { "Name": "GrowthBook", "Parameters": { "Feature": "beta-groups" } } ] },
            "TimeWindowPast": { "EnabledFor": [ { "Name": "Microsoft.TimeWindow", "Parameters": { "End": "Mon, 01 Jan 2024 00:00:00 GMT" } } ] },
            "TimeWindowOpen": { "EnabledFor": [ { "Name": "Microsoft.TimeWindow", "Parameters": { "Start": "Mon, 01 Jan 2024 00:00:00 GMT" } } ] }
          }
        }
        """;

    /// <summary>The configuration flag names of <see cref="ConfigurationFlags"/>.</summary>
    public static readonly string[] ConfigurationFlagNames =
    [
        "MsFlag", "clash", "MsPercentOrGrowthBook", "MsVariantFlag", "MsTargeted",
        "DotnetFlag", "DotnetOff", "clash-dotnet", "PercentOrGrowthBook", "PercentAndGrowthBook", "ZeroPercentAndGrowthBook",
        "PercentOnly", "GroupsViaGrowthBook", "TimeWindowPast", "TimeWindowOpen",
    ];

    /// <summary>Configuration holding the flags and a <c>GrowthBook</c> section with <paramref name="growthBook"/> settings.</summary>
    public static IConfigurationRoot Configuration(IDictionary<string, string?> growthBook, string flags = ConfigurationFlags)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(Flatten(flags))
            .AddInMemoryCollection(growthBook.Select(kv => new KeyValuePair<string, string?>("GrowthBook:" + kv.Key, kv.Value)))
            .Build();

    // JSON as configuration keys, in memory so that tests can change and reload it.
    private static IEnumerable<KeyValuePair<string, string?>> Flatten(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().AsEnumerable().Where(kv => kv.Value is not null);

    /// <summary>
    /// The one-line setup over a bootstrap payload, with the client initialised (as the host's hosted service would).
    /// <paramref name="configure"/> runs before <c>AddGrowthBook</c>, so services it adds win over the defaults.
    /// </summary>
    public static async Task<ServiceProvider> BuildAsync(
        FeaturePrecedence precedence = FeaturePrecedence.GrowthBook,
        Action<IServiceCollection>? configure = null,
        string payload = TestPayloads.Main,
        Action<IFeatureManagementBuilder>? featureManagement = null)
    {
        var configuration = Configuration(new Dictionary<string, string?>
        {
            ["BootstrapPayload"] = payload,
            ["Precedence"] = precedence.ToString(),
        });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        configure?.Invoke(services);
        var builder = services.AddFeatureManagement();
        featureManagement?.Invoke(builder);
        builder.AddGrowthBook(configuration.GetSection("GrowthBook"));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await provider.GetRequiredService<GrowthBookClient>().InitializeAsync();
        return provider;
    }
}
