using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// The current request's user, computed once per request and kept in <see cref="HttpContext.Items"/>:
/// <c>id</c> (the signed-in user's id claim, else the anonymous id cookie it issues), <c>anonymousId</c>, <c>loggedIn</c>,
/// <c>url</c>, <c>path</c>, <c>host</c>, <c>query</c>, <c>userAgent</c>, <c>browser</c>, <c>deviceType</c> and
/// <c>utm_source</c>/<c>utm_medium</c>/<c>utm_campaign</c>/<c>utm_term</c>/<c>utm_content</c> when present, mapped claims,
/// then the <see cref="GrowthBookHttpContextOptions.Enrich"/> hook. The request URL is also the user's
/// <see cref="UserContext.Url"/> (URL targeting), with querystring overrides as
/// <see cref="GrowthBookHttpContextOptions.AllowQueryStringOverrides"/> says. Outside a request: an anonymous user.
/// Register it with <c>AddGrowthBook(…).WithHttpContext()</c>.
/// </summary>
public sealed class HttpContextUserContextAccessor : IGrowthBookUserContextAccessor
{
    /// <summary>
    /// The Data Protection purpose the anonymous id cookie is protected under: another app (or a test) that shares this
    /// app's keys and application name reads the id with <c>provider.CreateProtector(AnonymousIdProtectionPurpose).Unprotect(cookie)</c>.
    /// </summary>
    public const string AnonymousIdProtectionPurpose = "GrowthBook.FeatureManagement.AnonymousId";
    private static readonly object ItemKey = new();

    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly GrowthBookHttpContextOptions _options;
    private readonly IDataProtector? _protector;
    private readonly ILogger _logger;
    private readonly bool _allowQueryStringOverrides;

    /// <summary>Creates the accessor.</summary>
    /// <param name="httpContextAccessor">The current request.</param>
    /// <param name="options">What to read; see <see cref="GrowthBookHttpContextOptions"/>.</param>
    /// <param name="dataProtection">Data Protection, needed while <see cref="GrowthBookHttpContextOptions.ProtectAnonymousId"/> is true.</param>
    /// <param name="logger">Where a rejected anonymous id cookie is logged (Debug).</param>
    /// <exception cref="InvalidOperationException"><see cref="GrowthBookHttpContextOptions.ProtectAnonymousId"/> is true and there is no Data Protection.</exception>
    public HttpContextUserContextAccessor(
        IHttpContextAccessor httpContextAccessor,
        IOptions<GrowthBookHttpContextOptions> options,
        IDataProtectionProvider? dataProtection = null,
        ILogger<HttpContextUserContextAccessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpContextAccessor);
        ArgumentNullException.ThrowIfNull(options);
        _httpContextAccessor = httpContextAccessor;
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _allowQueryStringOverrides = _options.AllowQueryStringOverrides ?? false;
        if (_options.ProtectAnonymousId)
        {
            _protector = (dataProtection ?? throw new InvalidOperationException(
                "GrowthBookHttpContextOptions.ProtectAnonymousId needs ASP.NET Core Data Protection: call services.AddDataProtection(), or set ProtectAnonymousId to false."))
                .CreateProtector(AnonymousIdProtectionPurpose);
        }
    }

    /// <inheritdoc />
    public ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
    {
        var context = _httpContextAccessor.HttpContext;
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
        return new UserContext { Attributes = GrowthBookAttributes.From(attributes), Url = url, AllowQueryStringOverrides = _allowQueryStringOverrides };
    }

    private string? AnonymousId(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(_options.AnonymousIdCookieName, out var cookie) && cookie.Length > 0)
        {
            if (Read(cookie) is { } id)
            {
                return id;
            }

            AspNetCoreLog.AnonymousIdRejected(_logger, _options.AnonymousIdCookieName);
        }

        if (!_options.IssueAnonymousIdCookie)
        {
            return null;
        }

        var issued = Guid.NewGuid().ToString("N");
        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Append(_options.AnonymousIdCookieName, _protector is null ? issued : _protector.Protect(issued), new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = _options.AnonymousIdCookieLifetime,
                Path = "/",
            });
        }

        return issued;
    }

    // A cookie is client input: protected, only what this app issued (its keys authenticate it); either way, only short
    // ids of safe characters.
    private string? Read(string cookie)
    {
        var id = cookie;
        if (_protector is not null)
        {
            try
            {
                id = _protector.Unprotect(cookie);
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                return null; // not base64url, or not authentic under this app's keys
            }
        }

        return IsValidId(id) ? id : null;
    }

    private static bool IsValidId(string value)
        => value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
