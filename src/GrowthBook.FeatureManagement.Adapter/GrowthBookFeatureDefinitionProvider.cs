using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The one <see cref="IFeatureDefinitionProvider"/> Microsoft.FeatureManagement uses: GrowthBook's features composed
/// with the app's configuration flags (both the <c>feature_management</c> and <c>FeatureManagement</c> schemas, read by
/// Microsoft.FeatureManagement's own provider). Each GrowthBook feature is a definition enabled through the
/// <c>GrowthBook</c> filter, listing the feature's possible values as variants. On a name clash,
/// <see cref="GrowthBookFeatureManagementOptions.Precedence"/> decides. Definitions are built once per payload.
/// </summary>
public sealed class GrowthBookFeatureDefinitionProvider : IFeatureDefinitionProvider
{
    private static readonly Task<FeatureDefinition> NotConfigured = Task.FromResult<FeatureDefinition>(null!);
    private const char KeyDelimiter = ':'; // ConfigurationPath.KeyDelimiter

    private readonly GrowthBookClient _client;
    private readonly IFeatureDefinitionProvider _configuration;
    private readonly GrowthBookFeatureManagementOptions _options;
    private readonly VariantMapper _variants;
    private volatile DefinitionCache? _cache;

    internal GrowthBookFeatureDefinitionProvider(
        GrowthBookClient client, IFeatureDefinitionProvider configuration, IOptions<GrowthBookFeatureManagementOptions> options, VariantMapper variants)
    {
        _client = client;
        _configuration = configuration;
        _options = options.Value;
        _variants = variants;
    }

    /// <summary>The configuration provider this one composes with.</summary>
    internal IFeatureDefinitionProvider Configuration => _configuration;

    /// <inheritdoc />
    public Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        ArgumentNullException.ThrowIfNull(featureName);
        // Completed tasks are cached (ours per payload, the configuration provider's per name): Microsoft's manager
        // asks for a definition on every evaluation, and a delegated flag should cost what it costs without us.
        var growthBook = Cache().Tasks.TryGetValue(featureName, out var definition) ? definition : null;
        if (growthBook is not null && _options.Precedence == FeaturePrecedence.GrowthBook)
        {
            return growthBook;
        }

        var configured = ConfiguredAsync(featureName);
        if (growthBook is null || (configured.IsCompletedSuccessfully && configured.Result is not null))
        {
            return configured;
        }

        return configured.IsCompletedSuccessfully ? growthBook : OrGrowthBook(configured, growthBook);

        static async Task<FeatureDefinition> OrGrowthBook(Task<FeatureDefinition> configured, Task<FeatureDefinition> growthBook)
            => await configured.ConfigureAwait(false) ?? await growthBook.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        var growthBook = Cache().Definitions;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (_options.Precedence == FeaturePrecedence.GrowthBook)
        {
            foreach (var definition in growthBook.Values)
            {
                seen.Add(definition.Name);
                yield return definition;
            }
        }

        await foreach (var definition in _configuration.GetAllFeatureDefinitionsAsync().ConfigureAwait(false))
        {
            if (seen.Add(definition.Name))
            {
                yield return definition;
            }
        }

        if (_options.Precedence == FeaturePrecedence.Configuration)
        {
            foreach (var definition in growthBook.Values)
            {
                if (seen.Add(definition.Name))
                {
                    yield return definition;
                }
            }
        }
    }

    /// <summary>Whether <paramref name="featureName"/> is served by GrowthBook (present in the payload, and not overridden by configuration).</summary>
    internal ValueTask<bool> IsGrowthBookFeatureAsync(GrowthBookPayload payload, string featureName)
    {
        if (!payload.ContainsFeature(featureName))
        {
            return new ValueTask<bool>(false);
        }

        if (_options.Precedence == FeaturePrecedence.GrowthBook)
        {
            return new ValueTask<bool>(true);
        }

        var configured = ConfiguredAsync(featureName);
        return configured.IsCompletedSuccessfully ? new ValueTask<bool>(configured.Result is null) : NotConfiguredAsync(configured);

        static async ValueTask<bool> NotConfiguredAsync(Task<FeatureDefinition> configured) => await configured.ConfigureAwait(false) is null;
    }

    // Configuration keys cannot hold ':' (Microsoft's provider throws for such a name), so no flag there can have it;
    // a GrowthBook key may.
    private Task<FeatureDefinition> ConfiguredAsync(string featureName)
        => featureName.Contains(KeyDelimiter)
            ? NotConfigured
            : _configuration.GetFeatureDefinitionAsync(featureName);

    private DefinitionCache Cache()
    {
        var payload = _client.Payload;
        var cache = _cache;
        if (cache is not null && ReferenceEquals(cache.Payload, payload))
        {
            return cache;
        }

        var definitions = new Dictionary<string, FeatureDefinition>(StringComparer.Ordinal);
        foreach (var key in payload.FeatureKeys)
        {
            definitions[key] = ToDefinition(payload.GetFeature(key)!);
        }

        cache = new DefinitionCache(payload, definitions, definitions.ToFrozenDictionary(d => d.Key, d => Task.FromResult(d.Value), StringComparer.Ordinal));
        _cache = cache;
        return cache;
    }

    // One variant per possible value, named as GetVariantAsync names the value it returns (VariantMapper.VariantName);
    // the first value of a name wins.
    private FeatureDefinition ToDefinition(GrowthBookFeature feature)
    {
        var variants = new List<VariantDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in feature.PossibleValues)
        {
            var name = _variants.VariantName(value.Source, value.RuleId, value.VariationKey);
            if (names.Add(name))
            {
                variants.Add(new VariantDefinition { Name = name, ConfigurationValue = VariantMapper.Build(value.Value) });
            }
        }

        return new FeatureDefinition
        {
            Name = feature.Key,
            EnabledFor = [new FeatureFilterConfiguration { Name = GrowthBookFeatureFilter.Alias }],
            RequirementType = RequirementType.Any,
            Status = FeatureStatus.Conditional,
            Variants = variants,
        };
    }

    private sealed record DefinitionCache(GrowthBookPayload Payload, IReadOnlyDictionary<string, FeatureDefinition> Definitions, FrozenDictionary<string, Task<FeatureDefinition>> Tasks);
}
