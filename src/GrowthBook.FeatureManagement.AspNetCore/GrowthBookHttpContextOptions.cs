using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>How GrowthBook attributes are read from the current request.</summary>
public sealed class GrowthBookHttpContextOptions
{
    /// <summary>The claim whose value is the <c>id</c> attribute of a signed-in user. Default <see cref="ClaimTypes.NameIdentifier"/> (then <c>sub</c>).</summary>
    public string IdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// The cookie holding a stable anonymous id for visitors who are not signed in (issued on first visit; the
    /// <c>id</c> attribute when there is no user id, and always the <c>anonymousId</c> attribute). Default <c>gbuuid</c>.
    /// </summary>
    public string AnonymousIdCookieName { get; set; } = "gbuuid";

    /// <summary>How long the anonymous id cookie lives. Default 400 days (the most browsers keep a cookie).</summary>
    public TimeSpan AnonymousIdCookieLifetime { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Whether to issue the anonymous id cookie. Default true.</summary>
    public bool IssueAnonymousIdCookie { get; set; } = true;

    /// <summary>Claim type → attribute name, for claims to pass on as attributes (a claim present several times gives an array).</summary>
    public IDictionary<string, string> ClaimAttributes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Called once per request after the standard attributes are read, to add or change attributes.</summary>
    public Action<HttpContext, IDictionary<string, object?>>? Enrich { get; set; }
}
