using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// <see cref="HttpContextUserContextAccessor"/> reads the request without a dictionary of attributes, a parsed query
/// collection or LINQ over claims (docs/performance.md, "A whole request"). These tests hold it to the straightforward
/// reading it replaced (<see cref="Reference"/>: the attributes put in a dictionary, UTM parameters from
/// <c>request.Query</c>, claims through <c>FindAll(…).Select(…).ToArray()</c>): the same attributes, in the same order,
/// for every combination of awkward query strings, claims, hosts and user agents, with and without an Enrich hook, with
/// the query already parsed by someone else or not.
/// </summary>
[TestFixture]
public sealed class HttpContextAttributesEquivalenceTests
{
    private static readonly string[] Queries =
    [
        "", "?", "?x=1", "?utm_source=newsletter&utm_campaign=spring&page=2", "?UTM_SOURCE=a&Utm_Medium=b",
        "?utm%5Fsource=encoded-name", "?%75tm_term=encoded-letter", "?utm_source=a+b%20c%2B", "?utm_content=%E2%9C%93&utm_term=%zz",
        "?utm_source=first&utm_source=second", "?utm_source=a&UTM_SOURCE=b", "?utm_medium&utm_campaign=", "?&&utm_campaign=c&&",
        "?utm_campaign=a=b=c", "?utm_source=a;utm_medium=b", "?=utm_source&utm_source", "?utm_source=%&utm_medium=%2",
        "?utm+source=space&utm_source+=trail", "?utm_sourc=short&utm_sources=long", "?utm_term=%F0%9F%98%80#fragment",
    ];

    private static readonly string[] Agents =
    [
        "",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "curl/8.5.0",
    ];

    private static readonly (string Scheme, string Host, string PathBase, string Path)[] Locations =
    [
        ("http", "localhost", "", "/"),
        ("https", "example.com:8443", "/app", "/a b/ü"),
        ("https", "bücher.example", "", "/products"),
    ];

    // Who is signed in (or not), with which claims, in one or two identities.
    private static readonly ClaimsPrincipal[] Principals =
    [
        new(new ClaimsIdentity()),
        Signed([new(ClaimTypes.NameIdentifier, "alice"), new("country", "US"), new(ClaimTypes.Role, "admin")]),
        Signed([new("sub", "sub-7"), new(ClaimTypes.Role, "admin"), new(ClaimTypes.Role, "editor"), new("COUNTRY", "FR")]),
        Signed([new(ClaimTypes.NameIdentifier, "bob"), new("tenant", "acme"), new("tenant", "globex")]),
        new([new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "carol"), new Claim(ClaimTypes.Role, "a")], "Bearer"), new ClaimsIdentity([new Claim(ClaimTypes.Role, "b"), new Claim("country", "CA")])]),
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "not-signed-in"), new Claim("country", "DE")])),
    ];

    private static readonly string?[] Cookies = [null, "gbuuid=visitor-1_A", "gbuuid=not valid", "gbuuid=" + new string('x', 65), "other=1; gbuuid=v2"];

    private static IEnumerable<TestCaseData> Mappings()
    {
        yield return new TestCaseData(new Dictionary<string, string>(StringComparer.Ordinal)).SetArgDisplayNames("no claims mapped");
        yield return new TestCaseData(new Dictionary<string, string>(StringComparer.Ordinal) { ["country"] = "country", [ClaimTypes.Role] = "roles" }).SetArgDisplayNames("country and roles");

        // A mapping onto a standard attribute, and two claim types onto one attribute: the last value, at the first place.
        yield return new TestCaseData(new Dictionary<string, string>(StringComparer.Ordinal) { ["tenant"] = "id", [ClaimTypes.Role] = "group", ["country"] = "group", ["missing"] = "none" }).SetArgDisplayNames("repeated names");
    }

    [TestCaseSource(nameof(Mappings))]
    public void TheAttributesAreTheStraightforwardReadings(Dictionary<string, string> claimAttributes)
    {
        var compared = 0;
        foreach (var query in Queries)
        {
            foreach (var userAgent in Agents)
            {
                foreach (var location in Locations)
                {
                    foreach (var principal in Principals)
                    {
                        foreach (var cookie in Cookies)
                        {
                            foreach (var enrich in new Action<HttpContext, IDictionary<string, object?>>?[] { null, (_, attributes) => attributes["extra"] = attributes.Count })
                            {
                                foreach (var queryParsedBefore in new[] { false, true })
                                {
                                    HttpContext Request()
                                    {
                                        var context = new DefaultHttpContext { User = principal };
                                        var request = context.Request;
                                        (request.Scheme, request.Host, request.PathBase, request.Path) = (location.Scheme, new HostString(location.Host), location.PathBase, location.Path);
                                        request.QueryString = new QueryString(query);
                                        request.Headers.UserAgent = userAgent;
                                        request.Headers.Cookie = cookie;
                                        if (queryParsedBefore)
                                        {
                                            _ = request.Query.Count;
                                        }

                                        return context;
                                    }

                                    var options = new GrowthBookHttpContextOptions
                                    {
                                        ClaimAttributes = claimAttributes,
                                        Enrich = enrich,
                                        IssueAnonymousIdCookie = false, // an issued id is random; these compare what is read
                                        ProtectAnonymousId = false,
                                    };
                                    var expected = Reference(Request(), options);
                                    var context = Request();
                                    var read = new HttpContextUserContextAccessor(new HttpContextAccessor { HttpContext = context }, Options.Create(options))
                                        .GetUserContextAsync().AsTask().GetAwaiter().GetResult();
                                    Assert.That(
                                        (read.Attributes.ToString(), read.Url),
                                        Is.EqualTo((expected.Attributes.ToString(), expected.Url)),
                                        $"query '{query}', user agent '{userAgent}', {location}, {principal.Identities.Sum(i => i.Claims.Count())} claims, cookie '{cookie}', enrich {enrich is not null}, query parsed before {queryParsedBefore}");
                                    compared++;
                                }
                            }
                        }
                    }
                }
            }
        }

        Assert.That(compared, Is.EqualTo(Queries.Length * Agents.Length * Locations.Length * Principals.Length * Cookies.Length * 4));
    }

    [Test]
    public void TheReferenceSeesWhatTheCasesAreAbout()
    {
        // The cases above mean something only if they reach the attributes they are about.
        var options = new GrowthBookHttpContextOptions { ClaimAttributes = { ["country"] = "country", [ClaimTypes.Role] = "roles" }, IssueAnonymousIdCookie = false, ProtectAnonymousId = false };
        var context = new DefaultHttpContext { User = Principals[2] };
        context.Request.QueryString = new QueryString("?UTM_SOURCE=a+b&utm%5Fmedium=m&utm_term=x&utm_term=y");
        context.Request.Headers.Cookie = "gbuuid=visitor-1_A";
        Assert.That(
            Reference(context, options).Attributes.ToString(),
            Does.Contain("\"id\":\"sub-7\",\"anonymousId\":\"visitor-1_A\",\"loggedIn\":true")
                .And.Contain("\"utm_source\":\"a b\",\"utm_medium\":\"m\",\"utm_term\":\"x,y\"")
                .And.Contain("\"country\":\"FR\",\"roles\":[\"admin\",\"editor\"]"));
    }

    private static ClaimsPrincipal Signed(Claim[] claims) => new(new ClaimsIdentity(claims, "Cookies"));

    /// <summary>The attributes as the accessor read them before it was made cheaper (cookie issuing left out).</summary>
    private static UserContext Reference(HttpContext context, GrowthBookHttpContextOptions options)
    {
        var request = context.Request;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? anonymousId = null;
        if (request.Cookies.TryGetValue(options.AnonymousIdCookieName, out var cookie) && cookie.Length is > 0 and <= 64
            && cookie.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            anonymousId = cookie;
        }

        var userId = context.User.Identity?.IsAuthenticated == true
            ? context.User.FindFirst(options.IdClaimType)?.Value ?? context.User.FindFirst("sub")?.Value
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
        foreach (var utm in new[] { "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content" })
        {
            if (request.Query.TryGetValue(utm, out var value) && value.Count > 0)
            {
                attributes[utm] = value.ToString();
            }
        }

        foreach (var (claimType, attribute) in options.ClaimAttributes)
        {
            var values = context.User.FindAll(claimType).Select(c => c.Value).ToArray();
            if (values.Length > 0)
            {
                attributes[attribute] = values.Length == 1 ? values[0] : values;
            }
        }

        options.Enrich?.Invoke(context, attributes);
        return new UserContext { Attributes = GrowthBookAttributes.From(attributes), Url = url };
    }
}
