using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>A compiled prerequisite.</summary>
internal sealed record CompiledParent(string Id, Condition Condition, bool Gate);

/// <summary>
/// An experiment compiled for <see cref="Evaluator.RunExperiment"/>: conditions built, bucket ranges computed,
/// defaults applied. Immutable and shared by every evaluation.
/// </summary>
internal sealed class ExperimentDefinition
{
    public required Experiment Public { get; init; }

    /// <summary>The experiment as reported once <c>contextualBandit</c> is removed (users not bucketed by hash).</summary>
    public required Experiment PublicWithoutBandit { get; init; }

    public required string Key { get; init; }

    public required FeatureValue[] Variations { get; init; }

    public required BucketRange[] Ranges { get; init; }

    public bool Inactive { get; init; }

    public string? Status { get; init; }

    public Condition? Condition { get; init; }

    public CompiledParent[]? ParentConditions { get; init; }

    public Namespace? Namespace { get; init; }

    public int? Force { get; init; }

    public string HashAttribute { get; init; } = "id";

    public string? FallbackAttribute { get; init; }

    public int HashVersion { get; init; } = 1;

    public bool DisableStickyBucketing { get; init; }

    public int BucketVersion { get; init; }

    public int MinBucketVersion { get; init; }

    public VariationMeta[]? Meta { get; init; }

    public required string Seed { get; init; }

    /// <summary>FNV-1a state after <see cref="Seed"/>, for hash version 2 (which hashes <c>seed + value</c>).</summary>
    public uint SeedState => field == 0 ? field = Fnv.Append(Fnv.OffsetBasis, Seed) : field;

    public ExperimentFilter[]? Filters { get; init; }

    public UrlTargeter? UrlTargeter { get; init; }

    public bool PersistQueryString { get; init; }

    public ContextualBanditAssignment? Bandit { get; init; }

    /// <summary>The sticky-bucket assignment key, <c>key__bucketVersion</c>.</summary>
    public required string StickyKey { get; init; }

    /// <summary>Results that do not depend on the user, built once: "not in experiment" with each flag combination.</summary>
    public ExperimentResult? CachedExit { get; set; }

    public static ExperimentDefinition Compile(JsObject source, ConditionCompiler compiler, Experiment? experiment = null)
    {
        var e = experiment ?? ExperimentJson.ToExperiment(source);
        var variations = new FeatureValue[e.Variations.Count];
        var rawVariations = source["variations"];
        for (var i = 0; i < variations.Length; i++)
        {
            var js = rawVariations.Type == JsType.Array && i < rawVariations.ArrayValue.Length
                ? rawVariations.ArrayValue[i]
                : JsJson.FromElement(e.Variations[i]);
            variations[i] = new FeatureValue(js, e.Variations[i]);
        }

        var condition = source["condition"];
        var weights = e.Weights is null ? null : e.Weights.ToArray();
        var bucketVersion = e.BucketVersion ?? 0;
        return new ExperimentDefinition
        {
            Public = e,
            PublicWithoutBandit = e.ContextualBandit is null ? e : WithoutBandit(e),
            Key = e.Key,
            Variations = variations,
            Ranges = e.Ranges?.ToArray() ?? Bucketing.GetBucketRanges(variations.Length, e.Coverage ?? 1, weights),
            Inactive = e.Active == false,
            Status = e.Status,
            Condition = condition.IsTruthy ? compiler.Compile(condition) : null,
            ParentConditions = CompileParents(source["parentConditions"], compiler),
            Namespace = e.Namespace,
            Force = source.ContainsKey("force") ? e.Force ?? -1 : null,
            HashAttribute = e.HashAttribute ?? "id",
            FallbackAttribute = e.FallbackAttribute,
            HashVersion = e.HashVersion ?? 1,
            DisableStickyBucketing = e.DisableStickyBucketing == true,
            BucketVersion = bucketVersion,
            MinBucketVersion = e.MinBucketVersion ?? 0,
            Meta = e.Meta?.ToArray(),
            Seed = e.Seed ?? e.Key,
            Filters = e.Filters?.ToArray(),
            UrlTargeter = ReadUrlPatterns(source),
            PersistQueryString = source["persistQueryString"].IsTruthy,
            Bandit = e.ContextualBandit,
            StickyKey = e.Key + "__" + bucketVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static Experiment WithoutBandit(Experiment e)
    {
        var entries = new List<KeyValuePair<string, JsValue>>();
        foreach (var entry in e.Source.Entries)
        {
            if (entry.Key != "contextualBandit")
            {
                entries.Add(entry);
            }
        }

        return ExperimentJson.ToExperiment(new JsObject([.. entries]), e.Variations, e.Condition);
    }

    public static CompiledParent[]? CompileParents(in JsValue raw, ConditionCompiler compiler)
    {
        if (!raw.IsTruthy)
        {
            return null;
        }

        if (raw.Type != JsType.Array)
        {
            throw JsRead.Wrong("parentConditions", "an array");
        }

        return Array.ConvertAll(raw.ArrayValue, item =>
        {
            if (item.Type != JsType.Object || item.ObjectValue["id"].Type != JsType.String)
            {
                throw JsRead.Wrong("parentConditions", "an array of {id, condition} objects");
            }

            var parent = item.ObjectValue;
            var condition = parent["condition"];
            // `parentCondition.condition || {}`: a missing condition always passes.
            return new CompiledParent(
                parent["id"].StringValue,
                condition.IsTruthy ? compiler.Compile(condition) : Condition.True,
                parent["gate"].IsTruthy);
        });
    }

    private static UrlTargeter? ReadUrlPatterns(JsObject source) => UrlTargeter.Compile(source["urlPatterns"]);
}
