using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>Settings of <see cref="CookieStickyBucketService"/>, the cookie store for anonymous visitors' sticky buckets. Validated at start.</summary>
public sealed class CookieStickyBucketOptions
{
    /// <summary>The cookie's name. Default <c>gbStickyBuckets</c>.</summary>
    [Required(ErrorMessage = "CookieStickyBucketOptions.CookieName must name a cookie.")]
    [RegularExpression("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", ErrorMessage = "CookieStickyBucketOptions.CookieName must be a cookie name (letters, digits and !#$%&'*+.^_`|~-).")]
    public string CookieName { get; set; } = "gbStickyBuckets";

    /// <summary>How long the cookie lives after the last assignment. Default 180 days (as GrowthBook's browser cookie store).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "CookieStickyBucketOptions.CookieLifetime must be between one second and ten years.")]
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The largest cookie value written, in characters. When the documents do not fit, the least recently saved ones are
    /// left out, then the oldest assignments of the rest. A larger cookie that arrives is ignored. Default 3,800 (browsers
    /// keep about 4,096 bytes per cookie, name and attributes included).
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "CookieStickyBucketOptions.MaxCookieLength must be positive.")]
    public int MaxCookieLength { get; set; } = 3800;

    /// <summary>
    /// Protect the cookie with ASP.NET Core Data Protection (encrypted and authenticated), so a visitor cannot read or
    /// choose their assignments. Default true: a cookie this app did not write is ignored (logged at Debug) and replaced
    /// on the next assignment. False writes base64url-encoded JSON, which your own front-end code can read, and a
    /// visitor can edit into another valid document to pick a variation. (GrowthBook's browser SDK keeps one cookie per
    /// document, in a format this store does not read either way.) Keys must be shared by every instance of the app
    /// (docs/security.md).
    /// </summary>
    public bool Protect { get; set; } = true;

    /// <summary>Whether the cookie is hidden from JavaScript. Default true.</summary>
    public bool HttpOnly { get; set; } = true;
}

/// <summary>The generated validator of <see cref="CookieStickyBucketOptions"/>' data annotations.</summary>
[OptionsValidator]
internal sealed partial class CookieStickyBucketOptionsValidator : IValidateOptions<CookieStickyBucketOptions>;
