namespace GrowthBook.FeatureManagement.Hashing;

/// <summary>
/// GrowthBook's hashing and bucketing functions (JS SDK <c>util.ts</c>; docs/engine.md, "Hashing and bucketing"), named as in the spec.
/// </summary>
internal static class Bucketing
{
    /// <summary><c>hash(seed, value, version)</c>: a number in [0, 1), or null for an unknown version.</summary>
    public static double? Hash(string seed, string value, int version) => version switch
    {
        // v2: the unbiased algorithm, hashing the decimal form of a first hash.
        2 => Fnv.HashDecimal(Fnv.Hash(seed, value)) % 10000 / 10000.0,
        // v1: the original algorithm; note the order: value, then seed.
        1 => Fnv.Hash(value, seed) % 1000 / 1000.0,
        _ => null,
    };

    /// <summary><c>getEqualWeights(n)</c>.</summary>
    public static double[] GetEqualWeights(int n)
    {
        if (n <= 0)
        {
            return [];
        }

        var weights = new double[n];
        Array.Fill(weights, 1.0 / n);
        return weights;
    }

    /// <summary><c>inRange(n, [start, end])</c>: start inclusive, end exclusive.</summary>
    public static bool InRange(double n, BucketRange range) => n >= range.Start && n < range.End;

    /// <summary><c>inNamespace(hashValue, [id, start, end])</c>.</summary>
    public static bool InNamespace(string hashValue, Namespace ns)
    {
        var n = Hash("__" + ns.Id, hashValue, 1);
        return n is { } value && value >= ns.Start && value < ns.End;
    }

    /// <summary><c>chooseVariation(n, ranges)</c>: the first range holding n, else -1.</summary>
    public static int ChooseVariation(double n, ReadOnlySpan<BucketRange> ranges)
    {
        for (var i = 0; i < ranges.Length; i++)
        {
            if (InRange(n, ranges[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><c>getBucketRanges(numVariations, coverage, weights)</c>.</summary>
    public static BucketRange[] GetBucketRanges(int numVariations, double coverage, double[]? weights)
    {
        coverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
        var equal = weights is null || weights.Length != numVariations;
        if (!equal)
        {
            var total = 0.0;
            foreach (var w in weights!)
            {
                total += w;
            }

            equal = total < 0.99 || total > 1.01;
        }

        var used = equal ? GetEqualWeights(numVariations) : weights!;
        var ranges = new BucketRange[used.Length];
        var cumulative = 0.0;
        for (var i = 0; i < used.Length; i++)
        {
            var start = cumulative;
            cumulative += used[i];
            ranges[i] = new BucketRange(start, start + (coverage * used[i]));
        }

        return ranges;
    }
}
