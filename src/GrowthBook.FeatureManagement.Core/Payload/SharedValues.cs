using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>An experiment's variation meta: compiled, and as sent (for reporting the experiment).</summary>
internal sealed record SharedMeta(VariationMeta[] Meta, JsValue[] Source);

/// <summary>
/// How an experiment splits its users: variations, bucket ranges, and (only reported) coverage (NaN: none), weights,
/// meta and phase. Most experiments of a payload split alike (two variations, equal weights, full coverage).
/// </summary>
internal sealed record VariationSplit(FeatureValue[] Variations, BucketRange[] Ranges, double Coverage, double[]? Weights, SharedMeta? Meta, string? Phase);

/// <summary>
/// One instance of each distinct compiled value within one payload: feature values that are primitives (<c>true</c>,
/// <c>"control"</c>, <c>1</c>), variation lists, weights, bucket ranges and variation meta. A payload repeats a few of
/// these on thousands of features; each would otherwise be kept once per feature. Read from the payload's text, a
/// list written the same way as one seen before is found by its text, without building its value. Filled by one
/// compilation and <see cref="Clear"/>ed after it (<see cref="CompileScratch"/>).
/// </summary>
internal sealed class SharedValues
{
    private readonly Dictionary<(JsType Type, string? Text, double Number), FeatureValue> _primitives = [];
    private readonly Dictionary<JsValue, FeatureValue[]> _variations = new(JsValueComparer.Instance);
    private readonly Dictionary<JsValue, double[]> _numbers = new(JsValueComparer.Instance);
    private readonly Dictionary<(int Count, double Coverage, double[]? Weights), BucketRange[]> _ranges = [];
    private readonly Dictionary<JsValue, SharedMeta> _meta = new(JsValueComparer.Instance);
    private readonly Dictionary<(FeatureValue[], BucketRange[], double, double[]?, SharedMeta?, string?), VariationSplit> _splits = [];
    private readonly TextTable<FeatureValue[]> _variationsByText = new();
    private readonly TextTable<double[]> _numbersByText = new();
    private readonly TextTable<SharedMeta> _metaByText = new();

    /// <summary>How many entries its dictionaries and tables hold before they grow.</summary>
    public int Capacity
        => _primitives.EnsureCapacity(0) + _variations.EnsureCapacity(0) + _numbers.EnsureCapacity(0) + _ranges.EnsureCapacity(0)
            + _meta.EnsureCapacity(0) + _splits.EnsureCapacity(0)
            + _variationsByText.Capacity + _numbersByText.Capacity + _metaByText.Capacity;

    /// <summary>Forgets every value (the payload compiled keeps them), keeping the storage.</summary>
    public void Clear()
    {
        _primitives.Clear();
        _variations.Clear();
        _numbers.Clear();
        _ranges.Clear();
        _meta.Clear();
        _splits.Clear();
        _variationsByText.Clear();
        _numbersByText.Clear();
        _metaByText.Clear();
    }

    /// <summary>The compiled value of <paramref name="value"/>: shared when it is a primitive.</summary>
    public FeatureValue Value(in JsValue value)
    {
        switch (value.Type)
        {
            case JsType.Null:
                return FeatureValue.Null;
            case JsType.Boolean:
                return value.BooleanValue ? FeatureValue.True : FeatureValue.False; // the most common values: no lookup
            case JsType.Array or JsType.Object:
                return new FeatureValue(value);
        }

        var key = (value.Type, value.Type == JsType.String ? value.StringValue : null, value.Type == JsType.String ? 0 : value.NumberValue);
        if (!_primitives.TryGetValue(key, out var shared))
        {
            shared = new FeatureValue(value);
            _primitives[key] = shared;
        }

        return shared;
    }

    /// <summary><see cref="Value"/>, deferred: a primitive's shared value, or an object or array as it is.</summary>
    public DeferredValue Deferred(in JsValue value)
        => value.Type is JsType.Object or JsType.Array ? DeferredValue.Of(value) : DeferredValue.Of(Value(value));

    /// <summary>
    /// An experiment's variations (the member must be an array). Read from the text, they are shared by their text, as
    /// conditions are (an equal list written differently, which GrowthBook's API does not write, is not looked for);
    /// from a built object, lists of primitives are shared by structure.
    /// </summary>
    public FeatureValue[] Variations(JsonMembers source, Member member)
    {
        var text = source.Json(member);
        if (text.IsEmpty)
        {
            return Variations(source[member].ArrayValue);
        }

        var hash = TextTable<FeatureValue[]>.HashOf(text.Span);
        if (!_variationsByText.TryGetValue(text.Span, hash, out var variations))
        {
            variations = ValuesOf(source[member].ArrayValue);
            _variationsByText.Add(text, hash, variations);
        }

        return variations;
    }

    private FeatureValue[] Variations(JsValue[] items)
    {
        foreach (var item in items)
        {
            if (item.Type is JsType.Array or JsType.Object)
            {
                return ValuesOf(items);
            }
        }

        var key = JsValue.Array(items);
        if (!_variations.TryGetValue(key, out var shared))
        {
            shared = ValuesOf(items);
            _variations[key] = shared;
        }

        return shared;
    }

    private FeatureValue[] ValuesOf(JsValue[] items)
    {
        var values = new FeatureValue[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            values[i] = Value(items[i]);
        }

        return values;
    }

    /// <summary>
    /// An array of numbers (weights), shared as <see cref="Variations(JsonMembers, Member)"/> are, or null when the member
    /// is falsy; a member that is not a number is a <see cref="PayloadFormatException"/>.
    /// </summary>
    public double[]? Numbers(JsonMembers source, Member member)
    {
        if (!source.IsTruthy(member))
        {
            return null;
        }

        var text = source.Json(member);
        if (text.IsEmpty)
        {
            var items = source.TruthyArray(member)!;
            var numbers = JsRead.Numbers(items, MemberNames.Of(member)); // checks every member is a number
            if (!_numbers.TryGetValue(JsValue.Array(items), out var shared))
            {
                _numbers[JsValue.Array(items)] = shared = numbers;
            }

            return shared;
        }

        var hash = TextTable<double[]>.HashOf(text.Span);
        if (!_numbersByText.TryGetValue(text.Span, hash, out var known))
        {
            known = JsRead.Numbers(source.TruthyArray(member)!, MemberNames.Of(member));
            _numbersByText.Add(text, hash, known);
        }

        return known;
    }

    /// <summary><c>getBucketRanges</c>, computed once per distinct input (<paramref name="weights"/> is shared, so compared by reference).</summary>
    public BucketRange[] Ranges(int count, double coverage, double[]? weights)
    {
        if (!_ranges.TryGetValue((count, coverage, weights), out var shared))
        {
            _ranges[(count, coverage, weights)] = shared = Bucketing.GetBucketRanges(count, coverage, weights);
        }

        return shared;
    }

    /// <summary>
    /// A split, shared with every equal one (equal: the same shared arrays, coverage and phase; variations with objects
    /// are not shared, so neither are their splits).
    /// </summary>
    public VariationSplit Split(FeatureValue[] variations, BucketRange[] ranges, double coverage, double[]? weights, SharedMeta? meta, string? phase)
    {
        var key = (variations, ranges, coverage, weights, meta, phase);
        if (!_splits.TryGetValue(key, out var shared))
        {
            _splits[key] = shared = new VariationSplit(variations, ranges, coverage, weights, meta, phase);
        }

        return shared;
    }

    /// <summary>Variation meta, shared as <see cref="Variations(JsonMembers, Member)"/> are; null when the member is falsy.</summary>
    public SharedMeta? Meta(JsonMembers source)
    {
        if (!source.IsTruthy(Member.Meta))
        {
            return null;
        }

        var text = source.Json(Member.Meta);
        if (text.IsEmpty)
        {
            var meta = source.TruthyArray(Member.Meta)!;
            if (!_meta.TryGetValue(JsValue.Array(meta), out var shared))
            {
                _meta[JsValue.Array(meta)] = shared = new SharedMeta(ExperimentJson.ReadMeta(meta), meta);
            }

            return shared;
        }

        var hash = TextTable<SharedMeta>.HashOf(text.Span);
        if (!_metaByText.TryGetValue(text.Span, hash, out var known))
        {
            var meta = source.TruthyArray(Member.Meta)!;
            known = new SharedMeta(ExperimentJson.ReadMeta(meta), meta);
            _metaByText.Add(text, hash, known);
        }

        return known;
    }
}
