using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The visitors of <see cref="RequestBenchmarks"/>: <see cref="AnchorPayload.UserCount"/> signed-in users, each with
/// its own claims principal (as authentication middleware hands it to the app), its own anonymous id, one of four
/// browsers' User-Agent headers, and a country and roles that vary between users.
/// </summary>
internal sealed class RequestUsers
{
    /// <summary>The request's path and query string: a campaign landing page (two UTM parameters, two of the app's own).</summary>
    public const string Path = "/products";
    public const string Query = "?category=shoes&page=2&utm_source=newsletter&utm_campaign=spring";

    private const int Mask = AnchorPayload.UserCount - 1;

    /// <summary>User agents with the browser and device type <c>HttpContextUserContextAccessor</c> reads from them.</summary>
    public static readonly (string UserAgent, string Browser, string DeviceType)[] Browsers =
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "chrome", "desktop"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "safari", "mobile"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "firefox", "desktop"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "edge", "desktop"),
    ];

    private readonly RequestUser[] _users;
    private int _next;

    /// <param name="protect">Turns an anonymous id into its cookie value (the app's Data Protection, or the id as it is).</param>
    public RequestUsers(Func<string, string> protect)
    {
        _users = new RequestUser[AnchorPayload.UserCount];
        for (var i = 0; i < _users.Length; i++)
        {
            _users[i] = Create(i, i % 3 == 2 ? "CA" : "US", protect);
        }
    }

    public RequestUser this[int index] => _users[index];

    /// <summary>The next user, round the ring (an increment and a mask).</summary>
    public RequestUser Next() => _users[NextIndex()];

    /// <summary>The next user's index.</summary>
    public int NextIndex()
    {
        var index = _next;
        _next = (index + 1) & Mask;
        return index;
    }

    /// <summary>User <paramref name="index"/> from <paramref name="country"/> (a user outside the gate's countries is turned away).</summary>
    public static RequestUser Create(int index, string country, Func<string, string> protect)
    {
        var id = RotatingUsers.UserId(index);
        // 32 hex digits, as the accessor issues them.
        var anonymousId = new Guid(index, 0x4242, 0x4242, [1, 2, 3, 4, 5, 6, 7, 8]).ToString("N");
        string[] roles = index % 4 == 0 ? ["member", "beta"] : ["member"];
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, id),
            new(ClaimTypes.Name, "User " + index.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Country, country),
            .. roles.Select(r => new Claim(ClaimTypes.Role, r)),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "Cookies"));
        var browser = Browsers[index % Browsers.Length];
        return new RequestUser(id, anonymousId, country, roles, principal, "gbuuid=" + protect(anonymousId), browser.UserAgent, browser.Browser, browser.DeviceType);
    }
}

/// <summary>One visitor: what the request carries (principal, cookie header, User-Agent) and what it should mean.</summary>
internal sealed record RequestUser(
    string Id,
    string AnonymousId,
    string Country,
    string[] Roles,
    ClaimsPrincipal Principal,
    string Cookie,
    string UserAgent,
    string Browser,
    string DeviceType)
{
    /// <summary>Makes <paramref name="context"/> this visitor's GET of <see cref="RequestUsers.Path"/> and <see cref="RequestUsers.Query"/>.</summary>
    public void Describe(HttpContext context)
    {
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Path = RequestUsers.Path;
        request.QueryString = new QueryString(RequestUsers.Query);
        request.Headers.UserAgent = UserAgent;
        request.Headers.Cookie = Cookie;
        request.Headers.Accept = "text/plain";
        context.User = Principal;
    }
}
