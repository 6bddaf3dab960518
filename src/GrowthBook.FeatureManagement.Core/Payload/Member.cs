using System.Text;
using System.Text.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>The members of features, rules and experiments the compiler reads; every other member is skipped.</summary>
internal enum Member : byte
{
    DefaultValue,
    Rules,
    Id,
    Key,
    Force,
    Condition,
    ParentConditions,
    Filters,
    Range,
    Seed,
    HashAttribute,
    FallbackAttribute,
    Coverage,
    HashVersion,
    DisableStickyBucketing,
    Tracks,
    Variations,
    ContextualVariations,
    ContextualBanditRef,
    Weights,
    BucketVersion,
    MinBucketVersion,
    Namespace,
    Meta,
    Ranges,
    Name,
    Phase,
    Active,
    Status,
    UrlPatterns,
    PersistQueryString,
    ContextualBandit,
}

/// <summary>The JSON names of <see cref="Member"/>s, and the member a property name read from the text is.</summary>
internal static class MemberNames
{
    /// <summary>How many members there are.</summary>
    public const int Count = (int)Member.ContextualBandit + 1;

    // The longest name, "disableStickyBucketing"; an escaped name takes at most six bytes a character.
    private const int MaxLength = 22;

    private static readonly string[] Names =
    [
        "defaultValue", "rules", "id", "key", "force", "condition", "parentConditions", "filters", "range", "seed",
        "hashAttribute", "fallbackAttribute", "coverage", "hashVersion", "disableStickyBucketing", "tracks", "variations",
        "contextualVariations", "contextualBanditRef", "weights", "bucketVersion", "minBucketVersion", "namespace", "meta",
        "ranges", "name", "phase", "active", "status", "urlPatterns", "persistQueryString", "contextualBandit",
    ];

    // The names in UTF-8; and by the length of their name (all ASCII: one byte a character), the members with their
    // first and last eight bytes as numbers (a name shorter than eight bytes is both, padded with zeros).
    private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];
    private static readonly Candidate[][] ByLength =
        [.. Enumerable.Range(0, MaxLength + 1).Select(length => Enumerable.Range(0, Count).Where(i => Names[i].Length == length)
            .Select(i => new Candidate(PackedBytes.Head(Utf8Names[i]), PackedBytes.Tail(Utf8Names[i]), (Member)i)).ToArray())];

    private readonly record struct Candidate(ulong Head, ulong Tail, Member Member);

    /// <summary>The member's name in JSON.</summary>
    public static string Of(Member member) => Names[(int)member];

    /// <summary>The member the property name the reader is on names, escaped or not; false for any other name.</summary>
    public static bool TryIdentify(ref PayloadReader reader, out Member member)
    {
        if (!reader.ValueIsEscaped)
        {
            return TryIdentify(reader.ValueSpan, out member);
        }

        // An escaped name (rare) is unescaped first; it takes at most six bytes a character of the name it spells.
        member = default;
        Span<char> chars = stackalloc char[6 * MaxLength];
        if (reader.ValueSpan.Length > chars.Length)
        {
            return false;
        }

        int length;
        try
        {
            length = reader.CopyString(chars);
        }
        catch (InvalidOperationException)
        {
            return false; // an escaped lone surrogate: no member's name
        }

        Span<byte> utf8 = stackalloc byte[3 * 6 * MaxLength];
        return TryIdentify(utf8[..Encoding.UTF8.GetBytes(chars[..length], utf8)], out member);
    }

    // Compared as UTF-8, without decoding: the names are ASCII, so bytes equal means names equal. A name of up to 16
    // bytes is its first and last eight; a longer one is compared whole once those match.
    private static bool TryIdentify(ReadOnlySpan<byte> name, out Member member)
    {
        if (name.Length <= MaxLength && name.Length > 0)
        {
            var head = PackedBytes.Head(name);
            var tail = PackedBytes.Tail(name);
            foreach (var candidate in ByLength[name.Length])
            {
                if (candidate.Head == head && candidate.Tail == tail && (name.Length <= 16 || name.SequenceEqual(Utf8Names[(int)candidate.Member])))
                {
                    member = candidate.Member;
                    return true;
                }
            }
        }

        member = default;
        return false;
    }
}

/// <summary>A set of <see cref="Member"/>s, one bit each (there are at most 64): which members an object has, tested without a lookup.</summary>
internal readonly record struct MemberSet(ulong Bits)
{
    public static MemberSet Of(params ReadOnlySpan<Member> members)
    {
        var set = default(MemberSet);
        foreach (var member in members)
        {
            set = set.With(member);
        }

        return set;
    }

    public MemberSet With(Member member) => new(Bits | (1UL << (int)member));

    public bool Contains(Member member) => (Bits & (1UL << (int)member)) != 0;

    /// <summary>Whether the sets share a member.</summary>
    public bool Overlaps(MemberSet other) => (Bits & other.Bits) != 0;
}
