using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;
using GrowthBook.FeatureManagement.Urls;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>A compiled prerequisite.</summary>
internal sealed record CompiledParent(string Id, Condition Condition, bool Gate);

/// <summary>
/// An experiment compiled for <see cref="Evaluator.RunExperiment"/>: conditions built, bucket ranges computed,
/// defaults applied. Immutable and shared by every evaluation. Compiled from the experiment's JavaScript object
/// alone; the public <see cref="Experiment"/> that reports it is built from the same object on first use.
/// </summary>
internal sealed class ExperimentDefinition
{
    // The experiment's JSON object, kept to build the public Experiment when an exposure or a result first reports it.
    private readonly JsObject _source;
    private Experiment? _public;
    private Experiment? _publicWithoutBandit;
    private string? _stickyKey;

    private ExperimentDefinition(JsObject source, Experiment? inline)
    {
        _source = source;
        _public = inline;
    }

    /// <summary>The experiment as reported (tracking callbacks, <see cref="FeatureResult.Experiment"/>).</summary>
    public Experiment Public => Built(ref _public, _source);

    /// <summary>The experiment as reported once <c>contextualBandit</c> is removed (users not bucketed by hash).</summary>
    public Experiment PublicWithoutBandit => Bandit is null ? Public : Built(ref _publicWithoutBandit, _source.Without("contextualBandit"));

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

    /// <summary>The sticky-bucket assignment key, <c>key__bucketVersion</c>, built when sticky bucketing first needs it.</summary>
    public string StickyKey => _stickyKey ??= Key + "__" + BucketVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Compiles an experiment object (GrowthBook's shape, checked as <see cref="ExperimentJson.ToExperiment"/> checks it).</summary>
    /// <param name="source">The experiment's JSON object.</param>
    /// <param name="compiler">Compiles its condition and prerequisites.</param>
    /// <param name="inline">The public experiment it came from, for an inline experiment (reported as it is).</param>
    /// <exception cref="PayloadFormatException">A member has the wrong type.</exception>
    public static ExperimentDefinition Compile(JsObject source, ConditionCompiler compiler, Experiment? inline = null)
    {
        var key = source["key"];
        if (key.Type != JsType.String)
        {
            throw JsRead.Wrong("key", "a string");
        }

        var rawVariations = source["variations"];
        if (rawVariations.Type != JsType.Array)
        {
            throw JsRead.Wrong("variations", "an array");
        }

        var variations = Array.ConvertAll(rawVariations.ArrayValue, FeatureValue.FromJs);
        var weights = JsRead.TruthyArray(source, "weights") is { } w ? JsRead.Numbers(w, "weights") : null;
        var coverage = JsRead.Number(source, "coverage");
        var ranges = JsRead.TruthyArray(source, "ranges") is { } r ? JsRead.Ranges(r, "ranges") : null;
        var ns = source["namespace"];
        var force = source.TryGetValue("force", out var forceValue) && !forceValue.IsNull ? JsRead.Int(source, "force") : null;
        var bucketVersion = JsRead.Int(source, "bucketVersion") ?? 0;
        var condition = source["condition"];
        var active = source["active"];
        var cb = source["contextualBandit"];
        // Members only reported are checked as the public Experiment reads them, so building it later cannot fail.
        _ = JsRead.TruthyString(source, "name");
        _ = JsRead.TruthyString(source, "phase");
        return new ExperimentDefinition(source, inline)
        {
            Key = key.StringValue,
            Variations = variations,
            Ranges = ranges ?? Bucketing.GetBucketRanges(variations.Length, coverage ?? 1, weights),
            Inactive = active.Type == JsType.Boolean && !active.BooleanValue,
            Status = JsRead.TruthyString(source, "status"),
            Condition = condition.IsTruthy ? compiler.Compile(condition) : null,
            ParentConditions = CompileParents(source["parentConditions"], compiler),
            Namespace = ns.IsTruthy ? ExperimentJson.ReadNamespace(ns) : null,
            Force = source.ContainsKey("force") ? force ?? -1 : null,
            HashAttribute = JsRead.TruthyString(source, "hashAttribute") ?? "id",
            FallbackAttribute = JsRead.TruthyString(source, "fallbackAttribute"),
            HashVersion = JsRead.TruthyInt(source, "hashVersion") ?? 1,
            DisableStickyBucketing = source["disableStickyBucketing"].IsTruthy,
            BucketVersion = bucketVersion,
            MinBucketVersion = JsRead.Int(source, "minBucketVersion") ?? 0,
            Meta = ExperimentJson.ReadMeta(source),
            Seed = JsRead.TruthyString(source, "seed") ?? key.StringValue,
            Filters = ExperimentJson.ReadFilters(source),
            UrlTargeter = ReadUrlPatterns(source),
            PersistQueryString = source["persistQueryString"].IsTruthy,
            Bandit = cb.Type == JsType.Object ? ExperimentJson.ReadBandit(cb.ObjectValue) : null,
        };
    }

    private Experiment Built(ref Experiment? field, JsObject source)
    {
        var built = Volatile.Read(ref field);
        if (built is null)
        {
            Interlocked.CompareExchange(ref field, ExperimentJson.ToExperiment(source, Variations), null);
            built = Volatile.Read(ref field)!;
        }

        return built;
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

    private static UrlTargeter? ReadUrlPatterns(JsObject source)
    {
        var raw = source["urlPatterns"];
        if (!raw.IsTruthy)
        {
            return null;
        }

        if (raw.Type != JsType.Array)
        {
            throw JsRead.Wrong("urlPatterns", "an array");
        }

        var patterns = new List<UrlPattern>();
        foreach (var item in raw.ArrayValue)
        {
            if (item.Type != JsType.Object)
            {
                continue;
            }

            var obj = item.ObjectValue;
            var type = obj["type"];
            var pattern = obj["pattern"];
            if (pattern.Type != JsType.String)
            {
                continue;
            }

            // Only `include: false` excludes; a type other than "simple" or "regex" never matches.
            var include = obj["include"].Type != JsType.Boolean || obj["include"].BooleanValue;
            patterns.Add(type.Type == JsType.String && type.StringValue is "simple" or "regex"
                ? new UrlPattern(type.StringValue == "regex" ? UrlPatternKind.Regex : UrlPatternKind.Simple, pattern.StringValue, include)
                : new UrlPattern(UrlPatternKind.Regex, "(?!)", include));
        }

        return new UrlTargeter(patterns);
    }
}
