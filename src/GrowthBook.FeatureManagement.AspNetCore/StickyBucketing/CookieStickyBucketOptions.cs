namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>Settings of <see cref="CookieStickyBucketService"/>, the cookie store for anonymous visitors' sticky buckets.</summary>
public sealed class CookieStickyBucketOptions
{
    /// <summary>The cookie's name. Default <c>gbStickyBuckets</c>.</summary>
    public string CookieName { get; set; } = "gbStickyBuckets";

    /// <summary>How long the cookie lives after the last assignment. Default 180 days (as GrowthBook's browser cookie store).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The largest cookie value written, in characters. When the documents do not fit, the least recently saved ones are
    /// left out, then the oldest assignments of the rest. A larger cookie that arrives is ignored. Default 3,800 (browsers
    /// keep about 4,096 bytes per cookie, name and attributes included).
    /// </summary>
    public int MaxCookieLength { get; set; } = 3800;

    /// <summary>
    /// Protect the cookie with ASP.NET Core Data Protection (encrypted and authenticated), so a visitor cannot read or
    /// choose their assignments. Default false: the cookie is base64url-encoded JSON, and a visitor who edits it into
    /// another valid document can pick a variation (as they can with a <c>?experiment=1</c> override). Needs Data
    /// Protection registered, with keys shared between app instances.
    /// </summary>
    public bool Protect { get; set; }

    /// <summary>Whether the cookie is hidden from JavaScript. Default true.</summary>
    public bool HttpOnly { get; set; } = true;
}
