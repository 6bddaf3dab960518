using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// The current request's user, computed once per request and kept in <see cref="HttpContext.Items"/>:
/// <c>id</c> (the signed-in user's id claim, else the anonymous id cookie it issues), <c>anonymousId</c>, <c>loggedIn</c>,
/// <c>url</c>, <c>path</c>, <c>host</c>, <c>query</c>, <c>userAgent</c>, <c>browser</c>, <c>deviceType</c> and
/// <c>utm_source</c>/<c>utm_medium</c>/<c>utm_campaign</c>/<c>utm_term</c>/<c>utm_content</c> when present, mapped claims,
/// then the <see cref="GrowthBookHttpContextOptions.Enrich"/> hook. Outside a request: an anonymous user.
/// </summary>
public sealed class HttpContextUserContextAccessor(IHttpContextAccessor httpContextAccessor, IOptions<GrowthBookHttpContextOptions> options)
    : IGrowthBookUserContextAccessor
{
    private static readonly object ItemKey = new();
    private readonly GrowthBookHttpContextOptions _options = options.Value;

    /// <inheritdoc />
    public ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
    {
        var context = httpContextAccessor.HttpContext;
        if (context is null)
        {
            return new ValueTask<UserContext>(UserContext.Anonymous);
        }

        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is UserContext user)
        {
            return new ValueTask<UserContext>(user);
        }

        user = Build(context);
        context.Items[ItemKey] = user;
        return new ValueTask<UserContext>(user);
    }

    /// <summary>Replaces the current request's user (for example after an attribute switcher changed it).</summary>
    public static void SetUserContext(HttpContext context, UserContext user)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ItemKey] = user;
    }

    private UserContext Build(HttpContext context)
    {
        var request = context.Request;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var anonymousId = AnonymousId(context);
        var userId = context.User.Identity?.IsAuthenticated == true
            ? context.User.FindFirst(_options.IdClaimType)?.Value ?? context.User.FindFirst("sub")?.Value
            : null;
        attributes["id"] = userId ?? anonymousId;
        if (anonymousId is not null)
        {
            attributes["anonymousId"] = anonymousId;
        }

        attributes["loggedIn"] = userId is not null;
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
        attributes["url"] = url;
        attributes["path"] = request.Path.Value ?? "/";
        attributes["host"] = request.Host.Host;
        attributes["query"] = request.QueryString.Value ?? "";
        var userAgent = request.Headers.UserAgent.ToString();
        attributes["userAgent"] = userAgent;
        attributes["browser"] = UserAgents.Browser(userAgent);
        attributes["deviceType"] = UserAgents.DeviceType(userAgent);
        foreach (var utm in (ReadOnlySpan<string>)["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"])
        {
            if (request.Query.TryGetValue(utm, out var value) && value.Count > 0)
            {
                attributes[utm] = value.ToString();
            }
        }

        foreach (var (claimType, attribute) in _options.ClaimAttributes)
        {
            var values = context.User.FindAll(claimType).Select(c => c.Value).ToArray();
            if (values.Length > 0)
            {
                attributes[attribute] = values.Length == 1 ? values[0] : values;
            }
        }

        _options.Enrich?.Invoke(context, attributes);
        return new UserContext { Attributes = GrowthBookAttributes.From(attributes), Url = url };
    }

    private string? AnonymousId(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(_options.AnonymousIdCookieName, out var existing) && IsValidId(existing))
        {
            return existing;
        }

        if (!_options.IssueAnonymousIdCookie)
        {
            return null;
        }

        var id = Guid.NewGuid().ToString("N");
        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Append(_options.AnonymousIdCookieName, id, new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = _options.AnonymousIdCookieLifetime,
                Path = "/",
            });
        }

        return id;
    }

    // A cookie is client input: accept only short ids of safe characters.
    private static bool IsValidId(string value)
        => value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
