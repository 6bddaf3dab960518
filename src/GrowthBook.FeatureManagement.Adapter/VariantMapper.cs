using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Turns GrowthBook results into Microsoft.FeatureManagement variants. <see cref="Variant.Name"/>: the experiment
/// variation key for experiment values, the rule id (or <c>force</c>) for force rules, <c>default</c> for default values.
/// <see cref="Variant.Configuration"/>: the value as configuration — objects as child sections, arrays as indexed
/// children, scalars as the section's <c>Value</c> (booleans as <c>True</c>/<c>False</c>, as JSON configuration gives them).
/// Sections are built once per value and shared: per shared result (defaults, force rules) and per experiment variation.
/// </summary>
internal sealed class VariantMapper(IOptions<GrowthBookFeatureManagementOptions> options)
{
    private static readonly IConfigurationSection NullSection = Build(default);

    // Keys are objects the engine builds once per payload: FeatureResult for defaults and force rules (shared by every
    // evaluation), Experiment for variations. An entry lives as long as its payload.
    private readonly ConditionalWeakTable<FeatureResult, IConfigurationSection> _shared = new();
    private readonly ConditionalWeakTable<Experiment, IConfigurationSection?[]> _variations = new();
    private readonly GrowthBookFeatureManagementOptions _options = options.Value;

    public Variant ToVariant(FeatureResult result) => new()
    {
        Name = VariantName(result.Source, result.RuleId, result.ExperimentResult?.Key),
        Configuration = Section(result),
    };

    /// <summary>The name of a value from <paramref name="source"/>: the variation key, the rule id (or the force name), or the default name.</summary>
    public string VariantName(FeatureSource source, string ruleId, string? variationKey) => source switch
    {
        FeatureSource.Experiment => variationKey!,
        FeatureSource.Force => ruleId.Length > 0 ? ruleId : _options.ForceVariantName,
        FeatureSource.Override => "override",
        _ => _options.DefaultVariantName,
    };

    private IConfigurationSection Section(FeatureResult result)
    {
        switch (result.Source)
        {
            case FeatureSource.DefaultValue or FeatureSource.Force:
                return _shared.GetValue(result, static r => Build(r.Value));
            case FeatureSource.Experiment when result is { Experiment: { } experiment, ExperimentResult.VariationId: var index } && index >= 0:
                var sections = _variations.GetValue(experiment, static e => new IConfigurationSection?[e.Variations.Count]);
                if (index < sections.Length)
                {
                    return sections[index] ??= Build(result.Value); // a benign race: the same section either way
                }

                return Build(result.Value);
            default:
                // Unknown features and prerequisites have no value; overrides are per user and rare (QA).
                return result.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? NullSection : Build(result.Value);
        }
    }

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
        if (depth >= GrowthBookJson.MaxValueDepth && element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            data[path] = null;
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path + ConfigurationPath.KeyDelimiter + GrowthBookJson.ReadPropertyName(property), data, depth + 1);
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
                data[path] = GrowthBookJson.ReadString(element);
                break;
            default:
                data[path] = element.ToString();
                break;
        }
    }
}
