using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.JavaScript.RegExp;

/// <summary>
/// A set of UTF-16 code units kept as sorted, merged ranges, while a JavaScript regex is parsed: a character class.
/// JS regexes without the <c>u</c> flag match code unit by code unit, so a class is fully described by the code
/// units it holds. Built on one thread; <see cref="Freeze"/> gives the immutable form matching uses.
/// </summary>
internal sealed class CodeUnitSet
{
    private const int MaxCodeUnit = 0xFFFF;

    private readonly List<(int Lo, int Hi)> _ranges = [];
    private bool _normalized = true;

    public static CodeUnitSet Of(params (int Lo, int Hi)[] ranges)
    {
        var set = new CodeUnitSet();
        foreach (var (lo, hi) in ranges)
        {
            set.Add(lo, hi);
        }

        return set;
    }

    public void Add(int codeUnit) => Add(codeUnit, codeUnit);

    public void Add(int lo, int hi)
    {
        _ranges.Add((lo, hi));
        _normalized = false;
    }

    public void Add(CodeUnitSet other)
    {
        foreach (var range in other.Ranges)
        {
            Add(range.Lo, range.Hi);
        }
    }

    public IReadOnlyList<(int Lo, int Hi)> Ranges
    {
        get
        {
            Normalize();
            return _ranges;
        }
    }

    public bool IsEmpty => _ranges.Count == 0;

    public bool Contains(int codeUnit)
    {
        Normalize();
        int lo = 0, hi = _ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var (start, end) = _ranges[mid];
            if (codeUnit < start)
            {
                hi = mid - 1;
            }
            else if (codeUnit > end)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    public CodeUnitSet Complement()
    {
        var result = new CodeUnitSet();
        var next = 0;
        foreach (var (lo, hi) in Ranges)
        {
            if (lo > next)
            {
                result.Add(next, lo - 1);
            }

            next = hi + 1;
        }

        if (next <= MaxCodeUnit)
        {
            result.Add(next, MaxCodeUnit);
        }

        return result;
    }

    /// <summary>
    /// This set with its ranges merged now, so that reading it later (from any number of threads) changes nothing.
    /// </summary>
    public CodeUnitSet Sealed()
    {
        Normalize();
        return this;
    }

    /// <summary>The immutable form of this set, for matching.</summary>
    public CodeUnitMatcher Freeze() => new(Ranges);

    /// <summary>The set as one .NET regex atom: a character class (one that matches nothing when empty).</summary>
    public string ToNetAtom()
    {
        var ranges = Ranges;
        if (ranges.Count == 0)
        {
            return "[^\\u0000-\\uFFFF]";
        }

        if (ranges.Count == 1 && ranges[0].Lo == ranges[0].Hi)
        {
            return Escape(ranges[0].Lo);
        }

        var sb = new StringBuilder("[");
        foreach (var (lo, hi) in ranges)
        {
            sb.Append(Escape(lo));
            if (hi > lo)
            {
                if (hi > lo + 1)
                {
                    sb.Append('-');
                }

                sb.Append(Escape(hi));
            }
        }

        return sb.Append(']').ToString();
    }

    /// <summary>A code unit written so that .NET reads it as that literal character, in or out of a class.</summary>
    public static string Escape(int codeUnit)
        => codeUnit is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            ? ((char)codeUnit).ToString()
            : "\\u" + codeUnit.ToString("X4", CultureInfo.InvariantCulture);

    private void Normalize()
    {
        if (_normalized)
        {
            return;
        }

        _ranges.Sort();
        var merged = new List<(int Lo, int Hi)>(_ranges.Count);
        foreach (var (lo, hi) in _ranges)
        {
            if (merged.Count > 0 && lo <= merged[^1].Hi + 1)
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, hi));
            }
            else
            {
                merged.Add((lo, hi));
            }
        }

        _ranges.Clear();
        _ranges.AddRange(merged);
        _normalized = true;
    }
}

/// <summary>An immutable set of code units: a bitmap for ASCII, sorted ranges above it.</summary>
internal sealed class CodeUnitMatcher
{
    private readonly ulong _ascii0;
    private readonly ulong _ascii1;
    private readonly int[] _first;
    private readonly int[] _last;

    public CodeUnitMatcher(IReadOnlyList<(int Lo, int Hi)> ranges)
    {
        var first = new List<int>();
        var last = new List<int>();
        foreach (var (lo, hi) in ranges)
        {
            for (var c = lo; c <= Math.Min(hi, 127); c++)
            {
                if (c < 64)
                {
                    _ascii0 |= 1UL << c;
                }
                else
                {
                    _ascii1 |= 1UL << (c - 64);
                }
            }

            if (hi >= 128)
            {
                first.Add(Math.Max(lo, 128));
                last.Add(hi);
            }
        }

        _first = [.. first];
        _last = [.. last];
    }

    public bool Contains(char c)
    {
        if (c < 64)
        {
            return (_ascii0 & (1UL << c)) != 0;
        }

        if (c < 128)
        {
            return (_ascii1 & (1UL << (c - 64))) != 0;
        }

        var i = Array.BinarySearch(_first, c);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 0 && c <= _last[i];
    }
}
