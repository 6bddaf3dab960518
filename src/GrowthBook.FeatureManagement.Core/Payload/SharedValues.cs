using GrowthBook.FeatureManagement.Hashing;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// One instance of each distinct compiled value within one payload: feature values that are primitives (<c>true</c>,
/// <c>"control"</c>, <c>1</c>), variation lists, weights, bucket ranges and variation meta. A payload repeats a few of
/// these on thousands of features; each would otherwise be kept once per feature.
/// </summary>
internal sealed class SharedValues
{
    private readonly Dictionary<(JsType Type, string? Text, double Number), FeatureValue> _primitives = [];
    private readonly Dictionary<JsValue, FeatureValue[]> _variations = new(JsValueComparer.Instance);
    private readonly Dictionary<JsValue, double[]> _numbers = new(JsValueComparer.Instance);
    private readonly Dictionary<(int Count, double Coverage, double[]? Weights), BucketRange[]> _ranges = [];
    private readonly Dictionary<JsValue, VariationMeta[]> _meta = new(JsValueComparer.Instance);

    /// <summary>The compiled value of <paramref name="value"/>: shared when it is a primitive.</summary>
    public FeatureValue Value(in JsValue value)
    {
        switch (value.Type)
        {
            case JsType.Null:
                return FeatureValue.Null;
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

    /// <summary>An experiment's variations; lists of primitives are shared.</summary>
    public FeatureValue[] Variations(JsValue[] items)
    {
        foreach (var item in items)
        {
            if (item.Type is JsType.Array or JsType.Object)
            {
                return Array.ConvertAll(items, item => Value(item));
            }
        }

        var key = JsValue.Array(items);
        if (!_variations.TryGetValue(key, out var shared))
        {
            shared = Array.ConvertAll(items, item => Value(item));
            _variations[key] = shared;
        }

        return shared;
    }

    /// <summary>An array of numbers (weights), shared; a member that is not a number is a <see cref="PayloadFormatException"/>.</summary>
    public double[] Numbers(JsValue[] items, string key)
    {
        var numbers = JsRead.Numbers(items, key); // checks every member is a number
        if (!_numbers.TryGetValue(JsValue.Array(items), out var shared))
        {
            _numbers[JsValue.Array(items)] = shared = numbers;
        }

        return shared;
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

    /// <summary>Variation meta, shared when equal.</summary>
    public VariationMeta[]? Meta(JsValue[]? meta)
    {
        if (meta is null)
        {
            return null;
        }

        if (!_meta.TryGetValue(JsValue.Array(meta), out var shared))
        {
            _meta[JsValue.Array(meta)] = shared = ExperimentJson.ReadMeta(meta);
        }

        return shared;
    }
}
