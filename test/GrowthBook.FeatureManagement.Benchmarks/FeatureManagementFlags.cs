using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The configuration flags both sides of <see cref="FeatureManagementBenchmarks"/> share, in Microsoft.FeatureManagement's
/// <c>feature_management</c> schema, each the counterpart of a GrowthBook feature of the anchor payload.
/// </summary>
internal static class FeatureManagementFlags
{
    /// <summary><c>"enabled": true</c>, no filter (counterpart of <c>bool-flag</c>).</summary>
    public const string Plain = "PlainFlag";

    /// <summary><c>Microsoft.Targeting</c>: group <c>US</c> at 100 %, a few named users, default rollout 0 (counterpart of <c>targeted-flag</c>).</summary>
    public const string Targeting = "TargetingFlag";

    /// <summary><c>Microsoft.Percentage</c> at 50 (random per call).</summary>
    public const string Percentage = "PercentageFlag";

    /// <summary>Two variants, <c>Control</c>/<c>Treatment</c>, allocated 50/50 by percentile of the user id (counterpart of <c>exp-flag</c>).</summary>
    public const string Variant = "VariantFlag";

    public const string Control = "Control";
    public const string Treatment = "Treatment";

    /// <summary>The flags as configuration (in memory: the flattened keys a JSON file would give).</summary>
    public static IConfiguration Build()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Flag(int index, string id, params (string Key, string Value)[] settings)
        {
            var prefix = "feature_management:feature_flags:" + index.ToString(CultureInfo.InvariantCulture) + ":";
            data[prefix + "id"] = id;
            data[prefix + "enabled"] = "true";
            foreach (var (key, value) in settings)
            {
                data[prefix + key] = value;
            }
        }

        Flag(0, Plain);
        Flag(
            1,
            Targeting,
            ("conditions:client_filters:0:name", "Microsoft.Targeting"),
            ("conditions:client_filters:0:parameters:Audience:Users:0", "alice"),
            ("conditions:client_filters:0:parameters:Audience:Users:1", "bob"),
            ("conditions:client_filters:0:parameters:Audience:Groups:0:Name", "US"),
            ("conditions:client_filters:0:parameters:Audience:Groups:0:RolloutPercentage", "100"),
            ("conditions:client_filters:0:parameters:Audience:DefaultRolloutPercentage", "0"));
        Flag(
            2,
            Percentage,
            ("conditions:client_filters:0:name", "Microsoft.Percentage"),
            ("conditions:client_filters:0:parameters:Value", "50"));
        Flag(
            3,
            Variant,
            ("variants:0:name", Control),
            ("variants:0:configuration_value", "false"),
            ("variants:1:name", Treatment),
            ("variants:1:configuration_value", "true"),
            ("allocation:default_when_enabled", Control),
            ("allocation:seed", "exp-flag-test"),
            ("allocation:percentile:0:variant", Control),
            ("allocation:percentile:0:from", "0"),
            ("allocation:percentile:0:to", "50"),
            ("allocation:percentile:1:variant", Treatment),
            ("allocation:percentile:1:from", "50"),
            ("allocation:percentile:1:to", "100"));
        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }
}
