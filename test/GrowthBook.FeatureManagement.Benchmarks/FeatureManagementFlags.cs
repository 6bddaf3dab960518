using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The configuration flags both sides of <see cref="FeatureManagementBenchmarks"/> and <see cref="RequestBenchmarks"/>
/// share, in Microsoft.FeatureManagement's <c>feature_management</c> schema, each the counterpart of a GrowthBook feature of
/// the anchor payload (or of <see cref="RequestPayload"/>'s additions to it).
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

    /// <summary><c>Microsoft.Targeting</c>: groups <c>US</c> and <c>CA</c> at 100 %, default rollout 0 (counterpart of <c>checkout-gate</c>).</summary>
    public const string Gate = "CheckoutGate";

    /// <summary><c>Microsoft.Targeting</c>: no users or groups, default rollout 50 % (counterpart of <c>beta-rollout</c>).</summary>
    public const string Rollout = "BetaRollout";

    /// <summary>Three variants, <c>Red</c>/<c>Green</c>/<c>Blue</c>, allocated 34/33/33 by percentile of the user id (counterpart of <c>button-color</c>).</summary>
    public const string Button = "ButtonColor";

    public const string Control = "Control";
    public const string Treatment = "Treatment";

    /// <summary>The flags as configuration (in memory: the flattened keys a JSON file would give).</summary>
    public static IConfiguration Build() => new ConfigurationBuilder().AddInMemoryCollection(Data()).Build();

    /// <summary>The flattened configuration keys and values of every flag.</summary>
    public static Dictionary<string, string?> Data()
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
        Flag(
            4,
            Gate,
            ("conditions:client_filters:0:name", "Microsoft.Targeting"),
            ("conditions:client_filters:0:parameters:Audience:Groups:0:Name", "US"),
            ("conditions:client_filters:0:parameters:Audience:Groups:0:RolloutPercentage", "100"),
            ("conditions:client_filters:0:parameters:Audience:Groups:1:Name", "CA"),
            ("conditions:client_filters:0:parameters:Audience:Groups:1:RolloutPercentage", "100"),
            ("conditions:client_filters:0:parameters:Audience:DefaultRolloutPercentage", "0"));
        Flag(
            5,
            Rollout,
            ("conditions:client_filters:0:name", "Microsoft.Targeting"),
            ("conditions:client_filters:0:parameters:Audience:DefaultRolloutPercentage", "50"));
        Flag(
            6,
            Button,
            ("variants:0:name", "Red"),
            ("variants:0:configuration_value", "red"),
            ("variants:1:name", "Green"),
            ("variants:1:configuration_value", "green"),
            ("variants:2:name", "Blue"),
            ("variants:2:configuration_value", "blue"),
            ("allocation:default_when_enabled", "Red"),
            ("allocation:seed", "button-color"),
            ("allocation:percentile:0:variant", "Red"),
            ("allocation:percentile:0:from", "0"),
            ("allocation:percentile:0:to", "34"),
            ("allocation:percentile:1:variant", "Green"),
            ("allocation:percentile:1:from", "34"),
            ("allocation:percentile:1:to", "67"),
            ("allocation:percentile:2:variant", "Blue"),
            ("allocation:percentile:2:from", "67"),
            ("allocation:percentile:2:to", "100"));
        return data;
    }
}
