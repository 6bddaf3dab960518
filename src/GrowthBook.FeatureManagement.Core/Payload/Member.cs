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

    // The names in UTF-8, and the members by the length of their name (all ASCII: one byte a character).
    private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];
    private static readonly Member[][] ByLength =
        [.. Enumerable.Range(0, MaxLength + 1).Select(length => Enumerable.Range(0, Count).Where(i => Names[i].Length == length).Select(i => (Member)i).ToArray())];

    /// <summary>The member's name in JSON.</summary>
    public static string Of(Member member) => Names[(int)member];

    /// <summary>The member the property name the reader is on names, escaped or not; false for any other name.</summary>
    public static bool TryIdentify(ref Utf8JsonReader reader, out Member member)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            // Compared as UTF-8, without decoding: the names are ASCII, so bytes equal means names equal.
            if (raw.Length <= MaxLength)
            {
                foreach (var candidate in ByLength[raw.Length])
                {
                    if (raw.SequenceEqual(Utf8Names[(int)candidate]))
                    {
                        member = candidate;
                        return true;
                    }
                }
            }

            member = default;
            return false;
        }

        Span<char> chars = stackalloc char[6 * MaxLength];
        if (raw.Length > chars.Length)
        {
            member = default;
            return false;
        }

        int length;
        try
        {
            length = reader.CopyString(chars);
        }
        catch (InvalidOperationException)
        {
            member = default;
            return false; // an escaped lone surrogate: no member's name
        }

        return TryIdentify(chars[..length], out member);
    }

    /// <summary>The member named <paramref name="name"/>; false for any other name.</summary>
    public static bool TryIdentify(ReadOnlySpan<char> name, out Member member)
    {
        member = name switch
        {
            "defaultValue" => Member.DefaultValue,
            "rules" => Member.Rules,
            "id" => Member.Id,
            "key" => Member.Key,
            "force" => Member.Force,
            "condition" => Member.Condition,
            "parentConditions" => Member.ParentConditions,
            "filters" => Member.Filters,
            "range" => Member.Range,
            "seed" => Member.Seed,
            "hashAttribute" => Member.HashAttribute,
            "fallbackAttribute" => Member.FallbackAttribute,
            "coverage" => Member.Coverage,
            "hashVersion" => Member.HashVersion,
            "disableStickyBucketing" => Member.DisableStickyBucketing,
            "tracks" => Member.Tracks,
            "variations" => Member.Variations,
            "contextualVariations" => Member.ContextualVariations,
            "contextualBanditRef" => Member.ContextualBanditRef,
            "weights" => Member.Weights,
            "bucketVersion" => Member.BucketVersion,
            "minBucketVersion" => Member.MinBucketVersion,
            "namespace" => Member.Namespace,
            "meta" => Member.Meta,
            "ranges" => Member.Ranges,
            "name" => Member.Name,
            "phase" => Member.Phase,
            "active" => Member.Active,
            "status" => Member.Status,
            "urlPatterns" => Member.UrlPatterns,
            "persistQueryString" => Member.PersistQueryString,
            "contextualBandit" => Member.ContextualBandit,
            _ => (Member)byte.MaxValue,
        };
        return member != (Member)byte.MaxValue;
    }
}
