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

    public FeatureValue[] Variations => Split.Variations;

    public BucketRange[] Ranges => Split.Ranges;

    public Condition? Condition => ConditionSource?.Condition;

    public string HashAttribute => HashAttributeGiven ?? "id";

    public int HashVersion => HashVersionGiven == 0 ? 1 : HashVersionGiven;

    public VariationMeta[]? Meta => Split.Meta?.Meta;

    public string Seed => SeedGiven ?? Key;

    /// <summary>FNV-1a state after <see cref="Seed"/>, for hash version 2 (which hashes <c>seed + value</c>).</summary>
    public uint SeedState => field == 0 ? field = Fnv.Append(Fnv.OffsetBasis, Seed) : field;

    public bool Inactive => _rare?.Inactive ?? false;

    public string? Status => _rare?.Status;

    public CompiledParent[]? ParentConditions => _rare?.ParentConditions;

    public Namespace? Namespace => _rare?.Namespace;

    public int? Force => _rare?.Force;

    public string? FallbackAttribute => _rare?.FallbackAttribute;

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

    // Variations, weights, coverage, ranges, meta and phase: shared with the payload's other experiments that have the same.
    private VariationSplit Split { get; init; } = null!;

    // Members a rule's experiment reports and evaluation does not read.
    private string? Name { get; init; }

    private SharedCondition? ConditionSource { get; init; }

    /// <summary>Compiles an experiment object (GrowthBook's shape, checked as <see cref="ExperimentJson.ToExperiment"/> checks it).</summary>
    /// <param name="source">The experiment's JSON object, kept to report the experiment.</param>
    /// <param name="compiler">Compiles its condition and prerequisites.</param>
    /// <param name="values">Shares equal variations, weights, ranges and meta between the payload's experiments.</param>
    /// <param name="inline">The public experiment it came from, for an inline experiment (reported as it is).</param>
    /// <exception cref="PayloadFormatException">A member has the wrong type.</exception>
    public static ExperimentDefinition Compile(JsObject source, ConditionCompiler compiler, SharedValues values, Experiment? inline = null)
        => Compile(new ObjectMembers(source), compiler, values, inline, source);

    /// <summary>
    /// Compiles a feature rule's experiment (the members <c>evalFeature</c> copies from the rule, see <see cref="RuleMembers"/>). Its
    /// JSON object is not kept: it is put back together from the compiled members when reported.
    /// </summary>
    /// <exception cref="PayloadFormatException">A member has the wrong type.</exception>
    public static ExperimentDefinition CompileRule(RuleExperimentMembers source, ConditionCompiler compiler, SharedValues values)
        => Compile(source, compiler, values, inline: null, kept: null);

    private static ExperimentDefinition Compile(JsonMembers source, ConditionCompiler compiler, SharedValues values, Experiment? inline, JsObject? kept)
    {
        var key = source[Member.Key];
        if (key.Type != JsType.String)
        {
            throw JsRead.Wrong("key", "a string");
        }

        if (source.TypeOf(Member.Variations) != JsType.Array)
        {
            throw JsRead.Wrong("variations", "an array");
        }

        var fromRule = kept is null;
        var variations = values.Variations(source, Member.Variations);
        var weights = values.Numbers(source, Member.Weights);
        var coverage = source.Number(Member.Coverage);
        var ranges = source.TruthyArray(Member.Ranges) is { } r ? JsRead.Ranges(r, "ranges") : null;
        var ns = source[Member.Namespace];
        var hasForce = source.Contains(Member.Force);
        var force = source.Int(Member.Force);
        var bucketVersion = source.Int(Member.BucketVersion) ?? 0;
        var minBucketVersion = source.Int(Member.MinBucketVersion) ?? 0;
        var active = source[Member.Active];
        var cb = source[Member.ContextualBandit];
        var status = source.TruthyString(Member.Status);
        var parents = CompileParents(source[Member.ParentConditions], compiler);
        var filters = ExperimentJson.ReadFilters(source[Member.Filters]);
        var urlTargeter = UrlTargeter.Compile(source[Member.UrlPatterns]);
        var disableSticky = source.IsTruthy(Member.DisableStickyBucketing);
        var persistQueryString = source.IsTruthy(Member.PersistQueryString);
        var bandit = cb.Type == JsType.Object ? ExperimentJson.ReadBandit(cb.ObjectValue) : null;
        var meta = values.Meta(source);
        var shared = source.IsTruthy(Member.Condition) ? compiler.CompileShared(source, Member.Condition) : null;
        if (shared is { Source: null })
        {
            shared.Source = source[Member.Condition]; // kept only for an experiment, which reports it
        }

        var @namespace = ns.IsTruthy ? ExperimentJson.ReadNamespace(ns) : null;

        // Members only reported are checked as the public Experiment reads them (name, phase), so building it later cannot fail.
        var hashAttribute = source.TruthyString(Member.HashAttribute);
        var fallbackAttribute = source.TruthyString(Member.FallbackAttribute);
        var hashVersion = source.TruthyInt(Member.HashVersion) ?? 0;
        var seed = source.TruthyString(Member.Seed);
        var name = source.TruthyString(Member.Name);
        var phase = source.TruthyString(Member.Phase);
        var rare = fallbackAttribute is not null || status is not null || parents is not null || ns.IsTruthy || hasForce || disableSticky || bucketVersion != 0
            || minBucketVersion != 0 || filters is not null || urlTargeter is not null || persistQueryString || bandit is not null
            || (active.Type == JsType.Boolean && !active.BooleanValue) || !fromRule || RareRuleMembers(source)
            ? new Rare
            {
                FallbackAttribute = fallbackAttribute,
                Inactive = active.Type == JsType.Boolean && !active.BooleanValue,
                Status = status,
                ParentConditions = parents,
                Namespace = @namespace,
                Force = hasForce ? force ?? -1 : null,
                DisableStickyBucketing = disableSticky,
                BucketVersion = bucketVersion,
                MinBucketVersion = minBucketVersion,
                Filters = filters,
                UrlTargeter = urlTargeter,
                PersistQueryString = persistQueryString,
                Bandit = bandit,
                Source = kept,
                RuleMembers = fromRule ? RareMembersOf(source) : null,
            }
            : null;

        return new ExperimentDefinition(rare, inline)
        {
            Key = key.StringValue,
            Split = values.Split(variations, ranges ?? values.Ranges(variations.Length, coverage ?? 1, weights), coverage ?? double.NaN, weights, meta, phase),
            ConditionSource = shared,
            HashAttributeGiven = hashAttribute,
            HashVersionGiven = hashVersion,
            SeedGiven = seed,
            Name = name,
        };
    }

    /// <summary>The members <c>evalFeature</c> copies from a rule into its experiment, in that order.</summary>
    public static readonly Member[] RuleMembers =
    [
        Member.Variations, Member.Key, Member.Coverage, Member.Weights, Member.HashAttribute, Member.FallbackAttribute,
        Member.DisableStickyBucketing, Member.BucketVersion, Member.MinBucketVersion, Member.Namespace, Member.Meta, Member.Ranges,
        Member.Name, Member.Phase, Member.Seed, Member.HashVersion, Member.Filters, Member.Condition,
    ];

    // Members of a rule's experiment kept as they were sent, because the compiled form does not say exactly what was sent.
    private static readonly Member[] RareMembers =
        [Member.DisableStickyBucketing, Member.BucketVersion, Member.MinBucketVersion, Member.Namespace, Member.Ranges, Member.Filters];

    private static bool RareRuleMembers(JsonMembers source)
    {
        foreach (var member in RareMembers)
        {
            if (source.Contains(member))
            {
                return true;
            }
        }

        return false;
    }

    private static JsObject? RareMembersOf(JsonMembers source)
    {
        List<KeyValuePair<string, JsValue>>? entries = null;
        foreach (var member in RareMembers)
        {
            if (source.TryGetValue(member, out var value))
            {
                (entries ??= []).Add(new(MemberNames.Of(member), value));
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
        foreach (var member in RuleMembers)
        {
            var value = member switch
            {
                Member.Variations => JsValue.Array(Array.ConvertAll(Variations, v => v.Js)),
                Member.Key => JsValue.String(Key),
                Member.Coverage => double.IsNaN(Split.Coverage) ? (JsValue?)null : JsValue.Number(Split.Coverage),
                Member.Weights => Split.Weights is null ? null : JsValue.Array(Array.ConvertAll(Split.Weights, JsValue.Number)),
                Member.HashAttribute => HashAttributeGiven is null ? null : JsValue.String(HashAttributeGiven),
                Member.FallbackAttribute => FallbackAttribute is null ? null : JsValue.String(FallbackAttribute),
                Member.Meta => Split.Meta is null ? null : JsValue.Array(Split.Meta.Source),
                Member.Name => Name is null ? null : JsValue.String(Name),
                Member.Phase => Split.Phase is null ? null : JsValue.String(Split.Phase),
                Member.Seed => SeedGiven is null ? null : JsValue.String(SeedGiven),
                Member.HashVersion => HashVersionGiven == 0 ? null : JsValue.Number(HashVersionGiven),
                Member.Condition => ConditionSource?.Source,
                _ => rare is not null && rare.TryGetValue(MemberNames.Of(member), out var kept) ? kept : null,
            };
            if (value is { } v)
            {
                entries.Add(new(MemberNames.Of(member), v));
            }
        }

        return new JsObject([.. entries]);
    }

    private sealed class Rare
    {
        public string? FallbackAttribute { get; init; }

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

        // A loop, not a lambda: a lambda capturing the compiler would cost an allocation on every call, most of which have no prerequisites.
        var items = raw.ArrayValue;
        var parents = new CompiledParent[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.Type != JsType.Object || item.ObjectValue["id"].Type != JsType.String)
            {
                throw JsRead.Wrong("parentConditions", "an array of {id, condition} objects");
            }

            var parent = item.ObjectValue;
            var condition = parent["condition"];
            // `parentCondition.condition || {}`: a missing condition always passes.
            parents[i] = new CompiledParent(
                parent["id"].StringValue,
                condition.IsTruthy ? compiler.Compile(condition) : Condition.True,
                parent["gate"].IsTruthy);
        }

        return parents;
    }
}
