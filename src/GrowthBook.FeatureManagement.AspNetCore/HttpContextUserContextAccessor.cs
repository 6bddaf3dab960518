using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
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
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly string[] UtmNames = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

    // id, anonymousId, loggedIn, url, path, host, query, userAgent, browser, deviceType and five utm_* parameters.
    private const int MaxStandardAttributes = 15;

    [ThreadStatic]
    private static List<KeyValuePair<string, object?>>? t_attributes;

    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly GrowthBookHttpContextOptions _options;
    private readonly IDataProtector? _protector;
    private readonly VerifiedCookies? _verified;
    private readonly ILogger _logger;
    private readonly bool _allowQueryStringOverrides;

    /// <summary>Creates the accessor.</summary>
    /// <param name="httpContextAccessor">The current request.</param>
    /// <param name="options">What to read; see <see cref="GrowthBookHttpContextOptions"/>.</param>
    /// <param name="dataProtection">Data Protection, needed while <see cref="GrowthBookHttpContextOptions.ProtectAnonymousId"/> is true.</param>
    /// <param name="logger">Where a rejected anonymous id cookie is logged (Debug).</param>
    /// <param name="timeProvider">The clock of the verified-cookie table (<see cref="GrowthBookHttpContextOptions.AnonymousIdVerificationCacheSize"/>); the system clock when null.</param>
    /// <exception cref="InvalidOperationException"><see cref="GrowthBookHttpContextOptions.ProtectAnonymousId"/> is true and there is no Data Protection.</exception>
    public HttpContextUserContextAccessor(
        IHttpContextAccessor httpContextAccessor,
        IOptions<GrowthBookHttpContextOptions> options,
        IDataProtectionProvider? dataProtection = null,
        ILogger<HttpContextUserContextAccessor>? logger = null,
        TimeProvider? timeProvider = null)
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
            if (_options.AnonymousIdVerificationCacheSize > 0)
            {
                _verified = new VerifiedCookies(_options.AnonymousIdVerificationCacheSize, timeProvider ?? TimeProvider.System);
            }
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

    // Per request: the attributes are gathered into a list this thread reuses (GrowthBookAttributes copies them); claims and
    // query parameters are read without LINQ or a parsed query collection.
    private UserContext Build(HttpContext context)
    {
        var request = context.Request;
        var principal = context.User;
        var anonymousId = AnonymousId(context);
        var userId = principal.Identity?.IsAuthenticated == true
            ? principal.FindFirst(_options.IdClaimType)?.Value ?? principal.FindFirst("sub")?.Value
            : null;
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
        var userAgent = request.Headers.UserAgent.ToString();

        var attributes = t_attributes ?? new List<KeyValuePair<string, object?>>(MaxStandardAttributes);
        t_attributes = null; // taken: a claims principal or Enrich hook that reads the user again gets a list of its own
        try
        {
            attributes.Add(new("id", userId ?? anonymousId));
            if (anonymousId is not null)
            {
                attributes.Add(new("anonymousId", anonymousId));
            }

            attributes.Add(new("loggedIn", userId is not null ? BoxedTrue : BoxedFalse));
            attributes.Add(new("url", url));
            attributes.Add(new("path", request.Path.Value ?? "/"));
            attributes.Add(new("host", request.Host.Host));
            attributes.Add(new("query", request.QueryString.Value ?? ""));
            attributes.Add(new("userAgent", userAgent));
            attributes.Add(new("browser", UserAgents.Browser(userAgent)));
            attributes.Add(new("deviceType", UserAgents.DeviceType(userAgent)));
            AddUtmParameters(context, attributes);
            AddClaims(principal, attributes);
            return new UserContext { Attributes = ToAttributes(context, attributes), Url = url, AllowQueryStringOverrides = _allowQueryStringOverrides };
        }
        finally
        {
            attributes.Clear();
            t_attributes = attributes;
        }
    }

    // utm_* query parameters as request.Query gives them (names ignoring case, decoded), in UtmNames' order. Read from the
    // query string, with ASP.NET Core's own parser of name/value pairs, when nothing has parsed the query yet (a query
    // feature set by the app might not be the query string's); request.Query joins a repeated name's values, so one goes there too.
    private static void AddUtmParameters(HttpContext context, List<KeyValuePair<string, object?>> attributes)
    {
        var found = default(UtmValues);
        if (context.Features.Get<IQueryFeature>() is null && TryReadUtmParameters(context.Request.QueryString.Value, ref found))
        {
            for (var i = 0; i < UtmNames.Length; i++)
            {
                if (found[i] is { } value)
                {
                    attributes.Add(new(UtmNames[i], value));
                }
            }

            return;
        }

        foreach (var utm in UtmNames)
        {
            if (context.Request.Query.TryGetValue(utm, out var value) && value.Count > 0)
            {
                attributes.Add(new(utm, value.ToString()));
            }
        }
    }

    private static bool TryReadUtmParameters(string? query, ref UtmValues found)
    {
        foreach (var pair in new QueryStringEnumerable(query))
        {
            var name = pair.DecodeName().Span;
            for (var i = 0; i < UtmNames.Length; i++)
            {
                if (name.Equals(UtmNames[i], StringComparison.OrdinalIgnoreCase))
                {
                    if (found[i] is not null)
                    {
                        return false;
                    }

                    found[i] = pair.DecodeValue().ToString();
                    break;
                }
            }
        }

        return true;
    }

    [InlineArray(5)]
    private struct UtmValues
    {
        private string? _value;
    }

    // Each mapped claim type: one value as a string, several as an array.
    private void AddClaims(ClaimsPrincipal principal, List<KeyValuePair<string, object?>> attributes)
    {
        foreach (var (claimType, attribute) in _options.ClaimAttributes)
        {
            string? first = null;
            List<string>? values = null;
            foreach (var claim in principal.FindAll(claimType))
            {
                if (first is null)
                {
                    first = claim.Value;
                }
                else
                {
                    (values ??= [first]).Add(claim.Value);
                }
            }

            if (first is not null)
            {
                attributes.Add(new(attribute, values is null ? first : values.ToArray()));
            }
        }
    }

    // The attributes as a dictionary only when the Enrich hook needs one: assigned in order, so a repeated name keeps its
    // first place and its last value, as GrowthBookAttributes.From does with the list.
    private GrowthBookAttributes ToAttributes(HttpContext context, List<KeyValuePair<string, object?>> attributes)
    {
        if (_options.Enrich is not { } enrich)
        {
            return GrowthBookAttributes.From(attributes);
        }

        var dictionary = new Dictionary<string, object?>(attributes.Count, StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            dictionary[name] = value;
        }

        enrich(context, dictionary);
        return GrowthBookAttributes.From(dictionary);
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
            if (_verified is not null && _verified.TryGet(cookie, out var known))
            {
                return known; // authenticated by an earlier request of this visitor
            }

            try
            {
                id = _protector.Unprotect(cookie);
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                return null; // not base64url, or not authentic under this app's keys
            }

            if (!IsValidId(id))
            {
                return null;
            }

            _verified?.Add(cookie, id);
            return id;
        }

        return IsValidId(id) ? id : null;
    }

    private static bool IsValidId(string value)
        => value.Length is > 0 and <= 64 && !value.AsSpan().ContainsAnyExcept(IdCharacters);
}
