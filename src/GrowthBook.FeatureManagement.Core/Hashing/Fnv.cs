namespace GrowthBook.FeatureManagement.Hashing;

/// <summary>
/// FNV-1a 32-bit over UTF-16 code units, as JavaScript's <c>charCodeAt</c> walks a string (docs/engine.md, "Hashing and bucketing").
/// Works over several pieces so concatenations never need to be allocated.
/// </summary>
internal static class Fnv
{
    public const uint OffsetBasis = 0x811c9dc5;
    private const uint Prime = 0x01000193;

    public static uint Hash(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
        => Append(Append(OffsetBasis, first), second);

    public static uint Append(uint hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash ^= c;
            hash *= Prime;
        }

        return hash;
    }

    /// <summary>FNV-1a of the decimal digits of <paramref name="value"/> (JS <c>hash + ""</c>), without formatting a string.</summary>
    public static uint HashDecimal(uint value)
    {
        Span<char> digits = stackalloc char[10];
        var start = digits.Length;
        do
        {
            digits[--start] = (char)('0' + (value % 10));
            value /= 10;
        }
        while (value != 0);

        return Append(OffsetBasis, digits[start..]);
    }
}
