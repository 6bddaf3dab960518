using System.Globalization;
using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;
using GrowthBook.FeatureManagement.Payload;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>A compiled prerequisite.</summary>
internal sealed record CompiledParent(string Id, Condition Condition, bool Gate);

/// <summary>
/// An experiment compiled for <see cref="Evaluator.RunExperiment"/>: conditions built, bucket ranges computed,
/// defaults applied. Immutable and shared by every evaluation. Compiled from the experiment's JavaScript object
/// alone; the public <see cref="Experiment"/> that reports it is built on first use from the same object, which
/// for a feature rule's experiment is put back together from the compiled members rather than kept.
/// </summary>
internal sealed class ExperimentDefinition
{
    // What most experiments do not have, in one object that most do not allocate.
    private readonly Rare? _rare;
    private Experiment? _public;

    private ExperimentDefinition(Rare? rare, Experiment? inline)
    {
        _rare = rare;
        _public = inline;
    }

    /// <summary>The experiment as reported (tracking callbacks, <see cref="FeatureResult.Experiment"/>), built on first use.</summary>
    public Experiment Public => Volatile.Read(ref _public) ?? FeatureDefinition.Publish(ref _public, ExperimentJson.ToExperiment(Source(), Variations));

    /// <summary>The experiment as reported once <c>contextualBandit</c> is removed (users not bucketed by hash).</summary>
    public Experiment PublicWithoutBandit => _rare?.Bandit is null
        ? Public
        : Volatile.Read(ref _rare.PublicWithoutBandit)
          ?? FeatureDefinition.Publish(ref _rare.PublicWithoutBandit, ExperimentJson.ToExperiment(Source().Without("contextualBandit"), Variations));

    public required string Key { get; init; }

    public required FeatureValue[] Variations { get; init; }

    public required BucketRange[] Ranges { get; init; }

    public Condition? Condition { get; init; }

    public string HashAttribute => HashAttributeGiven ?? "id";

    public int HashVersion => HashVersionGiven == 0 ? 1 : HashVersionGiven;

    public VariationMeta[]? Meta { get; init; }

    public string Seed => SeedGiven ?? Key;

    /// <summary>FNV-1a state after <see cref="Seed"/>, for hash version 2 (which hashes <c>seed + value</c>).</summary>
    public uint SeedState => field == 0 ? field = Fnv.Append(Fnv.OffsetBasis, Seed) : field;

    public bool Inactive => _rare?.Inactive ?? false;

    public string? Status => _rare?.Status;

    public CompiledParent[]? ParentConditions => _rare?.ParentConditions;

    public Namespace? Namespace => _rare?.Namespace;

    public int? Force => _rare?.Force;

    public string? FallbackAttribute { get; private init; }

    public bool DisableStickyBucketing => _rare?.DisableStickyBucketing ?? false;

    public int BucketVersion => _rare?.BucketVersion ?? 0;

    public int MinBucketVersion => _rare?.MinBucketVersion ?? 0;

    public ExperimentFilter[]? Filters => _rare?.Filters;

    public UrlTargeter? UrlTargeter => _rare?.UrlTargeter;

    public bool PersistQueryString => _rare?.PersistQueryString ?? false;

    public ContextualBanditAssignment? Bandit => _rare?.Bandit;

    /// <summary>The sticky-bucket assignment key, <c>key__bucketVersion</c>.</summary>
    public string StickyKey => Key + "__" + BucketVersion.ToString(CultureInfo.InvariantCulture);

    // As given (null or 0: absent), for the report and the defaults above.
    private string? HashAttributeGiven { get; init; }

    private int HashVersionGiven { get; init; }

    private string? SeedGiven { get; init; }

    // Members a rule's experiment reports and evaluation does not read. Coverage NaN: absent (JSON has no NaN).
    private double Coverage { get; init; } = double.NaN;

    private double[]? Weights { get; init; }

    private JsValue[]? MetaSource { get; init; }

    private string? Name { get; init; }

    private string? Phase { get; init; }

    private SharedCondition? ConditionSource { get; init; }

    /// <summary>Compiles an experiment object (GrowthBook's shape, checked as <see cref="ExperimentJson.ToExperiment"/> checks it).</summary>
    /// <param name="source">The experiment's JSON object.</param>
    /// <param name="compiler">Compiles its condition and prerequisites.</param>
    /// <param name="values">Shares equal variations, weights, ranges and meta between the payload's experiments.</param>
    /// <param name="inline">The public experiment it came from, for an inline experiment (reported as it is).</param>
    /// <param name="fromRule">
    /// The object is a feature rule's experiment as <see cref="PayloadCompiler"/> builds it (its members in <c>evalFeature</c>'s
    /// order, see <see cref="RuleMembers"/>): it is not kept, and is put back together from the compiled members when reported.
    /// </param>
    /// <exception cref="PayloadFormatException">A member has the wrong type.</exception>
    public static ExperimentDefinition Compile(JsObject source, ConditionCompiler compiler, SharedValues values, Experiment? inline = null, bool fromRule = false)
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

        var variations = values.Variations(rawVariations.ArrayValue);
        var weights = JsRead.TruthyArray(source, "weights") is { } w ? values.Numbers(w, "weights") : null;
        var coverage = JsRead.Number(source, "coverage");
        var ranges = JsRead.TruthyArray(source, "ranges") is { } r ? JsRead.Ranges(r, "ranges") : null;
        var ns = source["namespace"];
        var force = source.TryGetValue("force", out var forceValue) && !forceValue.IsNull ? JsRead.Int(source, "force") : null;
        var bucketVersion = JsRead.Int(source, "bucketVersion") ?? 0;
        var minBucketVersion = JsRead.Int(source, "minBucketVersion") ?? 0;
        var condition = source["condition"];
        var active = source["active"];
        var cb = source["contextualBandit"];
        var status = JsRead.TruthyString(source, "status");
        var parents = CompileParents(source["parentConditions"], compiler);
        var filters = ExperimentJson.ReadFilters(source);
        var urlTargeter = ReadUrlPatterns(source);
        var disableSticky = source["disableStickyBucketing"].IsTruthy;
        var persistQueryString = source["persistQueryString"].IsTruthy;
        var bandit = cb.Type == JsType.Object ? ExperimentJson.ReadBandit(cb.ObjectValue) : null;
        var meta = JsRead.TruthyArray(source, "meta");
        var shared = condition.IsTruthy ? compiler.CompileShared(condition) : null;
        var rare = status is not null || parents is not null || ns.IsTruthy || source.ContainsKey("force") || disableSticky || bucketVersion != 0
            || minBucketVersion != 0 || filters is not null || urlTargeter is not null || persistQueryString || bandit is not null
            || (active.Type == JsType.Boolean && !active.BooleanValue) || !fromRule || RareRuleMembers(source)
            ? new Rare
            {
                Inactive = active.Type == JsType.Boolean && !active.BooleanValue,
                Status = status,
                ParentConditions = parents,
                Namespace = ns.IsTruthy ? ExperimentJson.ReadNamespace(ns) : null,
                Force = source.ContainsKey("force") ? force ?? -1 : null,
                DisableStickyBucketing = disableSticky,
                BucketVersion = bucketVersion,
                MinBucketVersion = minBucketVersion,
                Filters = filters,
                UrlTargeter = urlTargeter,
                PersistQueryString = persistQueryString,
                Bandit = bandit,
                Source = fromRule ? null : source,
                RuleMembers = fromRule ? RareMembersOf(source) : null,
            }
            : null;

        // Members only reported are checked as the public Experiment reads them (name, phase below), so building it later cannot fail.
        return new ExperimentDefinition(rare, inline)
        {
            Key = key.StringValue,
            Variations = variations,
            Ranges = ranges ?? values.Ranges(variations.Length, coverage ?? 1, weights),
            Condition = shared?.Condition,
            ConditionSource = fromRule ? shared : null,
            HashAttributeGiven = JsRead.TruthyString(source, "hashAttribute"),
            FallbackAttribute = JsRead.TruthyString(source, "fallbackAttribute"),
            HashVersionGiven = JsRead.TruthyInt(source, "hashVersion") ?? 0,
            Meta = values.Meta(meta),
            MetaSource = fromRule ? meta : null,
            SeedGiven = JsRead.TruthyString(source, "seed"),
            Coverage = coverage ?? double.NaN,
            Weights = weights,
            Name = JsRead.TruthyString(source, "name"),
            Phase = JsRead.TruthyString(source, "phase"),
        };
    }

    /// <summary>The members <c>evalFeature</c> copies from a rule into its experiment, in that order.</summary>
    public static readonly string[] RuleMembers =
    [
        "variations", "key", "coverage", "weights", "hashAttribute", "fallbackAttribute", "disableStickyBucketing", "bucketVersion",
        "minBucketVersion", "namespace", "meta", "ranges", "name", "phase", "seed", "hashVersion", "filters", "condition",
    ];

    // Members of a rule's experiment kept as they were sent, because the compiled form does not say exactly what was sent.
    private static readonly string[] RareMembers = ["disableStickyBucketing", "bucketVersion", "minBucketVersion", "namespace", "ranges", "filters"];

    private static bool RareRuleMembers(JsObject source)
    {
        foreach (var name in RareMembers)
        {
            if (source.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    private static JsObject? RareMembersOf(JsObject source)
    {
        List<KeyValuePair<string, JsValue>>? entries = null;
        foreach (var name in RareMembers)
        {
            if (source.TryGetValue(name, out var value))
            {
                (entries ??= []).Add(new(name, value));
            }
        }

        return entries is null ? null : new JsObject([.. entries]);
    }

    /// <summary>The experiment's JSON object: as given, or (for a rule's experiment) put back together in <see cref="RuleMembers"/> order.</summary>
    private JsObject Source()
    {
        if (_rare?.Source is { } source)
        {
            return source;
        }

        var rare = _rare?.RuleMembers;
        var entries = new List<KeyValuePair<string, JsValue>>();
        foreach (var name in RuleMembers)
        {
            var value = name switch
            {
                "variations" => JsValue.Array(Array.ConvertAll(Variations, v => v.Js)),
                "key" => JsValue.String(Key),
                "coverage" => double.IsNaN(Coverage) ? (JsValue?)null : JsValue.Number(Coverage),
                "weights" => Weights is null ? null : JsValue.Array(Array.ConvertAll(Weights, JsValue.Number)),
                "hashAttribute" => HashAttributeGiven is null ? null : JsValue.String(HashAttributeGiven),
                "fallbackAttribute" => FallbackAttribute is null ? null : JsValue.String(FallbackAttribute),
                "meta" => MetaSource is null ? null : JsValue.Array(MetaSource),
                "name" => Name is null ? null : JsValue.String(Name),
                "phase" => Phase is null ? null : JsValue.String(Phase),
                "seed" => SeedGiven is null ? null : JsValue.String(SeedGiven),
                "hashVersion" => HashVersionGiven == 0 ? null : JsValue.Number(HashVersionGiven),
                "condition" => ConditionSource?.Source,
                _ => rare is not null && rare.TryGetValue(name, out var kept) ? kept : null,
            };
            if (value is { } v)
            {
                entries.Add(new(name, v));
            }
        }

        return new JsObject([.. entries]);
    }

    private sealed class Rare
    {
        public bool Inactive { get; init; }

        public string? Status { get; init; }

        public CompiledParent[]? ParentConditions { get; init; }

        public Namespace? Namespace { get; init; }

        public int? Force { get; init; }

        public bool DisableStickyBucketing { get; init; }

        public int BucketVersion { get; init; }

        public int MinBucketVersion { get; init; }

        public ExperimentFilter[]? Filters { get; init; }

        public UrlTargeter? UrlTargeter { get; init; }

        public bool PersistQueryString { get; init; }

        public ContextualBanditAssignment? Bandit { get; init; }

        /// <summary>The experiment object as given, for experiments not built from a rule.</summary>
        public JsObject? Source { get; init; }

        /// <summary>A rule's experiment's <see cref="RareMembers"/>, as sent.</summary>
        public JsObject? RuleMembers { get; init; }

        public Experiment? PublicWithoutBandit; // a field: published with Interlocked
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
