using System.Runtime.CompilerServices;
using System.Text.Json;
using GrowthBook.FeatureManagement.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Turns GrowthBook results into Microsoft.FeatureManagement variants. <see cref="Variant.Name"/>: the experiment
/// variation key for experiment values, the rule id (or <c>force</c>) for force rules, <c>default</c> for default values.
/// <see cref="Variant.Configuration"/>: the value as configuration — objects as child sections, arrays as indexed
/// children, scalars as the section's <c>Value</c> (booleans as <c>True</c>/<c>False</c>, as JSON configuration gives them).
/// Sections are built once per value and shared.
/// </summary>
internal sealed class VariantMapper(IOptions<GrowthBookFeatureManagementOptions> options)
{
    private readonly ConditionalWeakTable<FeatureValue, IConfigurationSection> _sections = new();
    private readonly GrowthBookFeatureManagementOptions _options = options.Value;

    public Variant ToVariant(FeatureResult result) => new()
    {
        Name = VariantName(result),
        Configuration = Section(result.RawValue),
    };

    public string VariantName(FeatureResult result) => result.Source switch
    {
        FeatureSource.Experiment => result.ExperimentResult!.Key,
        FeatureSource.Force => result.RuleId.Length > 0 ? result.RuleId : _options.ForceVariantName,
        FeatureSource.Override => "override",
        _ => _options.DefaultVariantName,
    };

    public IConfigurationSection Section(FeatureValue value) => _sections.GetValue(value, static v => Build(v.Element));

    internal static IConfigurationSection Build(JsonElement value)
    {
        const string Root = "value";
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(value, Root, data, 0);
        return new ConfigurationBuilder().AddInMemoryCollection(data).Build().GetSection(Root);
    }

    // Values are remote data: nesting is cut where the engine cuts it (each level recurses; a value thousands deep
    // would overflow the stack), and names are read as JSON.parse reads them (Name throws on a lone surrogate).
    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> data, int depth)
    {
        if (depth >= JsJson.MaxValueDepth && element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            data[path] = null;
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path + ConfigurationPath.KeyDelimiter + JsJson.ReadName(property), data, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + ConfigurationPath.KeyDelimiter + i.ToString(System.Globalization.CultureInfo.InvariantCulture), data, depth + 1);
                    i++;
                }

                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                data[path] = null;
                break;
            case JsonValueKind.String:
                data[path] = JsJson.ReadString(element);
                break;
            default:
                data[path] = element.ToString();
                break;
        }
    }
}
