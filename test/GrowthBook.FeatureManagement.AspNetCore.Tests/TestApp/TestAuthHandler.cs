using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;

/// <summary>
/// Signs in the user named by the <c>X-Test-User</c> header (as a NameIdentifier claim, or a <c>sub</c> claim with
/// <c>X-Test-Sub-Claim: 1</c>), with a <c>country</c> claim from <c>X-Test-Country</c> and role claims from
/// <c>X-Test-Roles</c> (comma separated). No header: anonymous.
/// </summary>
internal sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers["X-Test-User"].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(Request.Headers.ContainsKey("X-Test-Sub-Claim") ? "sub" : ClaimTypes.NameIdentifier, user) };
        if (Request.Headers.TryGetValue("X-Test-Country", out var country))
        {
            claims.Add(new Claim("country", country.ToString()));
        }

        if (Request.Headers.TryGetValue("X-Test-Roles", out var roles))
        {
            claims.AddRange(roles.ToString().Split(',').Select(r => new Claim(ClaimTypes.Role, r)));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
