using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>How GrowthBook attributes are read from the current request. Validated at start.</summary>
public sealed class GrowthBookHttpContextOptions
{
    /// <summary>The claim whose value is the <c>id</c> attribute of a signed-in user. Default <see cref="ClaimTypes.NameIdentifier"/> (then <c>sub</c>).</summary>
    [Required(ErrorMessage = "GrowthBookHttpContextOptions.IdClaimType must name a claim type.")]
    public string IdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// The cookie holding a stable anonymous id for visitors who are not signed in (issued on first visit; the
    /// <c>id</c> attribute when there is no user id, and always the <c>anonymousId</c> attribute). Default <c>gbuuid</c>,
    /// the name GrowthBook's browser SDK uses.
    /// </summary>
    [Required(ErrorMessage = "GrowthBookHttpContextOptions.AnonymousIdCookieName must name a cookie.")]
    [RegularExpression("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", ErrorMessage = "GrowthBookHttpContextOptions.AnonymousIdCookieName must be a cookie name (letters, digits and !#$%&'*+.^_`|~-).")]
    public string AnonymousIdCookieName { get; set; } = "gbuuid";

    /// <summary>How long the anonymous id cookie lives. Default 400 days (the most browsers keep a cookie).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "GrowthBookHttpContextOptions.AnonymousIdCookieLifetime must be between one second and ten years.")]
    public TimeSpan AnonymousIdCookieLifetime { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Whether to issue the anonymous id cookie. Default true.</summary>
    public bool IssueAnonymousIdCookie { get; set; } = true;

    /// <summary>
    /// Whether the anonymous id cookie is protected with ASP.NET Core Data Protection (authenticated and encrypted), so
    /// that a visitor cannot choose the id that bucketing hashes — another user's, or one computed to land in a
    /// variation. Default true: a cookie this app did not issue is ignored and replaced (logged at Debug). False reads
    /// and writes the plain id, as GrowthBook's browser SDK does, to share one id with it. Keys must be shared by every
    /// instance of the app (docs/security.md).
    /// </summary>
    public bool ProtectAnonymousId { get; set; } = true;

    /// <summary>
    /// How many authenticated anonymous id cookies are remembered, by their exact text, for 10 minutes each, so a
    /// returning visitor's cookie is not unprotected again on every request (Data Protection's unprotect costs more than
    /// all of a request's flag checks). Memory is bounded by twice this many entries; a key revoked meanwhile is honoured
    /// until the entry expires. 0 unprotects on every request. Default 4,096.
    /// </summary>
    [Range(0, 1_000_000, ErrorMessage = "GrowthBookHttpContextOptions.AnonymousIdVerificationCacheSize must be between 0 and 1,000,000.")]
    public int AnonymousIdVerificationCacheSize { get; set; } = 4096;

    /// <summary>
    /// Whether <c>?experiment-key=N</c> in the request URL forces a variation (<see cref="UserContext.AllowQueryStringOverrides"/>),
    /// as GrowthBook's JS SDK allows in a browser. Null (the default): on in the Development environment, off elsewhere.
    /// Turn it on for QA links only where nothing gated grants access: any visitor can write such a URL (docs/security.md).
    /// </summary>
    public bool? AllowQueryStringOverrides { get; set; }

    /// <summary>Claim type → attribute name, for claims to pass on as attributes (a claim present several times gives an array).</summary>
    [Required(ErrorMessage = "GrowthBookHttpContextOptions.ClaimAttributes must not be null.")]
    public IDictionary<string, string> ClaimAttributes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Called once per request after the standard attributes are read, to add or change attributes.</summary>
    public Action<HttpContext, IDictionary<string, object?>>? Enrich { get; set; }
}

/// <summary>The generated validator of <see cref="GrowthBookHttpContextOptions"/>' data annotations.</summary>
[OptionsValidator]
internal sealed partial class GrowthBookHttpContextOptionsValidator : IValidateOptions<GrowthBookHttpContextOptions>;
