using Microsoft.AspNetCore.WebUtilities;

namespace RazorPagesDemo.Demo;

/// <summary>
/// The attributes a visitor picked in the attribute switcher, kept in a cookie and added to GrowthBook's attributes by the
/// Enrich hook. An empty <see cref="Id"/> keeps the anonymous <c>gbuuid</c> id the ASP.NET Core glue issues.
/// </summary>
public sealed record DemoUser(string Id, string Country, string Plan)
{
    /// <summary>The cookie holding the switcher's choice.</summary>
    public const string CookieName = "gbdemo-user";

    /// <summary>The countries the switcher offers.</summary>
    public static IReadOnlyList<string> Countries { get; } = ["US", "CA", "FR", "DE", "GB", "JP"];

    /// <summary>The plans the switcher offers.</summary>
    public static IReadOnlyList<string> Plans { get; } = ["free", "pro", "enterprise"];

    /// <summary>A visitor who has not used the switcher: anonymous, in the US, on the free plan.</summary>
    public static DemoUser Default { get; } = new("", "US", "free");

    /// <summary>The visitor's choice from the request's cookie, or <see cref="Default"/>; invalid values are dropped (a cookie is client input).</summary>
    public static DemoUser From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return Default;
        }

        var values = QueryHelpers.ParseQuery("?" + cookie);
        return Create(values.TryGetValue("id", out var id) ? id.ToString() : null,
            values.TryGetValue("country", out var country) ? country.ToString() : null,
            values.TryGetValue("plan", out var plan) ? plan.ToString() : null);
    }

    /// <summary>A choice from form values, with anything invalid replaced by the default.</summary>
    public static DemoUser Create(string? id, string? country, string? plan)
    {
        id = id?.Trim() ?? "";
        return new DemoUser(
            IsValidId(id) ? id : "",
            country is not null && Countries.Contains(country) ? country : Default.Country,
            plan is not null && Plans.Contains(plan) ? plan : Default.Plan);
    }

    /// <summary>Stores the choice in the visitor's cookie.</summary>
    public void Save(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var value = $"id={Uri.EscapeDataString(Id)}&country={Uri.EscapeDataString(Country)}&plan={Uri.EscapeDataString(Plan)}";
        response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = TimeSpan.FromDays(30),
        });
    }

    /// <summary>Forgets the choice: the visitor is anonymous again.</summary>
    public static void Clear(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
    }

    /// <summary>The Enrich hook: the chosen id (when set) replaces the anonymous id; country and plan are always set.</summary>
    public static void Enrich(HttpContext context, IDictionary<string, object?> attributes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(attributes);
        var user = From(context.Request);
        if (user.Id.Length > 0)
        {
            attributes["id"] = user.Id;
            attributes["loggedIn"] = true;
        }

        attributes["country"] = user.Country;
        attributes["plan"] = user.Plan;
    }

    private static bool IsValidId(string value)
        => value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@');
}
