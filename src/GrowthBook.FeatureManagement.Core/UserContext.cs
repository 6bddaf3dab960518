using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Everything about one user that evaluation needs: attributes, the page URL, and developer overrides.
/// Immutable and cheap to share; build one per request (or per user) and pass it to every call. A client keeps what
/// it derives for a user (sticky-bucket documents, hashed secure attributes, its own overrides merged in) in a table
/// of its own keyed by this instance, so reusing one instance for a user's calls lets the client compute them once.
/// </summary>
public sealed class UserContext
{
    private IReadOnlyDictionary<string, object?>? _forcedFeatureValues;

    /// <summary>A user with no attributes.</summary>
    public static UserContext Anonymous { get; } = new();

    /// <summary>The user's attributes.</summary>
    public GrowthBookAttributes Attributes { get; init; } = GrowthBookAttributes.Empty;

    /// <summary>
    /// The current page URL, for URL targeting (<c>urlPatterns</c>) and, while <see cref="AllowQueryStringOverrides"/>
    /// is true, <c>?experiment-key=N</c> querystring overrides. It does not set the <c>url</c> attribute, which
    /// conditions read: set both when a condition uses it.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>
    /// Whether <c>?experiment-key=N</c> in <see cref="Url"/> forces that variation, as GrowthBook's JS SDK does in a
    /// browser. Default true. A server that gates access on features should turn it off for users built from requests:
    /// whoever writes the URL chooses the variation (docs/security.md).
    /// </summary>
    public bool AllowQueryStringOverrides { get; init; } = true;

    /// <summary>Experiment key → forced variation index (QA and previews).</summary>
    public IReadOnlyDictionary<string, int>? ForcedVariations { get; init; }

    /// <summary>Feature key → forced value (source <see cref="FeatureSource.Override"/>). Values as for <see cref="GrowthBookAttributes.From"/>.</summary>
    public IReadOnlyDictionary<string, object?>? ForcedFeatureValues
    {
        get => _forcedFeatureValues;
        init
        {
            _forcedFeatureValues = value;
            ForcedFeatures = value is null || value.Count == 0
                ? null
                : value.ToDictionary(pair => pair.Key, pair => FeatureValue.FromJs(JsJson.FromObject(pair.Value)), StringComparer.Ordinal);
        }
    }

    /// <summary>QA mode: nobody is bucketed into experiments (forced variations still apply).</summary>
    public bool QaMode { get; init; }

    /// <summary>False turns experiments off for this user (everyone gets variation 0, not in experiment).</summary>
    public bool Enabled { get; init; } = true;

    internal Dictionary<string, FeatureValue>? ForcedFeatures { get; private init; }

    /// <summary>A copy with other attributes and everything else the same.</summary>
    internal UserContext WithAttributes(GrowthBookAttributes attributes) => Copy(attributes, ForcedVariations, QaMode, Enabled);

    /// <summary>A copy with the given values; the forced feature values are shared, not converted again.</summary>
    internal UserContext Copy(GrowthBookAttributes attributes, IReadOnlyDictionary<string, int>? forcedVariations, bool qaMode, bool enabled) => new()
    {
        Attributes = attributes,
        Url = Url,
        AllowQueryStringOverrides = AllowQueryStringOverrides,
        ForcedVariations = forcedVariations,
        _forcedFeatureValues = _forcedFeatureValues,
        ForcedFeatures = ForcedFeatures,
        QaMode = qaMode,
        Enabled = enabled,
    };
}
