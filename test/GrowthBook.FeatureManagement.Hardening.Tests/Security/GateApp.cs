using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using GrowthBook.FeatureManagement.Hardening.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;

namespace GrowthBook.FeatureManagement.Hardening.Security;

/// <summary>
/// A web app on Kestrel (127.0.0.1) in the Production environment, set up as the docs say — <c>AddGrowthBook(…)
/// .WithHttpContext().WithCookieStickyBucketing()</c> — with one endpoint per gated feature (<c>WithFeatureGate</c>,
/// 404 when closed), which answers <c>granted:{id}</c> with the id it evaluated. Signed-in users come from a bearer
/// token (standing for the app's real sign-in). The vulnerable configuration is the control: it shows each vector
/// would reach the gates, so that "0 reached" in the secured one means something.
/// </summary>
internal sealed class GateApp : IAsyncDisposable
{
    /// <summary>Gated features a visitor is not targeted for: experiments nobody is bucketed into (QA only), a
    /// premium-only experiment, an id allow-list, a 1% experiment, a closed experiment some users are stuck in, and
    /// conditions on the host and the URL.</summary>
    public const string Payload = """
        {
          "features": {
            "beta-reports": { "defaultValue": false, "rules": [ { "key": "beta-exp", "variations": [ false, true ], "weights": [ 1, 0 ], "hashAttribute": "id", "meta": [ { "key": "0" }, { "key": "1" } ] } ] },
            "premium-reports": { "defaultValue": false, "rules": [ { "key": "premium-exp", "condition": { "plan": "premium" }, "variations": [ false, true ], "weights": [ 0, 1 ], "hashAttribute": "id", "meta": [ { "key": "0" }, { "key": "1" } ] } ] },
            "vip-lounge": { "defaultValue": false, "rules": [ { "condition": { "id": { "$in": [ "vip-42", "vip-43" ] } }, "force": true } ] },
            "lucky-draw": { "defaultValue": false, "rules": [ { "key": "lucky-exp", "variations": [ false, true ], "weights": [ 0.99, 0.01 ], "hashAttribute": "id", "hashVersion": 2, "meta": [ { "key": "0" }, { "key": "1" } ] } ] },
            "loyalty-offer": { "defaultValue": false, "rules": [ { "key": "loyalty-exp", "variations": [ false, true ], "weights": [ 1, 0 ], "hashAttribute": "id", "meta": [ { "key": "0" }, { "key": "1" } ] } ] },
            "internal-tools": { "defaultValue": false, "rules": [ { "condition": { "host": "admin.internal" }, "force": true } ] },
            "partner-portal": { "defaultValue": false, "rules": [ { "condition": { "url": { "$regex": "^https?://partners\\.example\\.com/" } }, "force": true } ] }
          }
        }
        """;

    public static readonly string[] Gates = ["beta-reports", "premium-reports", "vip-lounge", "lucky-draw", "loyalty-offer", "internal-tools", "partner-portal"];

    /// <summary>The experiments of <see cref="Payload"/> (each with two variations).</summary>
    public static readonly string[] Experiments = ["beta-exp", "premium-exp", "lucky-exp", "loyalty-exp"];

    private readonly WebApplication _app;

    private GateApp(WebApplication app, Uri address, GateAppMode mode)
    {
        _app = app;
        Mode = mode;
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public GateAppMode Mode { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app: secured (the defaults, real allowed hosts), or with each protection turned off, or secured with QA links on.</summary>
    public static async Task<GateApp> StartAsync(GateAppMode mode)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection([new("AllowedHosts", mode == GateAppMode.Unprotected ? "*" : "localhost;127.0.0.1")]);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(CapturedOutput.LoggerProvider);
        builder.Services.AddAuthentication(TokenAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null);
        builder.Services.AddFeatureManagement()
            .AddGrowthBook(o => o.BootstrapPayload = Payload)
            .WithHttpContext(o =>
            {
                o.ClaimAttributes["plan"] = "plan";
                if (mode == GateAppMode.Unprotected)
                {
                    o.AllowQueryStringOverrides = true;
                    o.ProtectAnonymousId = false;
                }
                else if (mode == GateAppMode.QaLinks)
                {
                    o.AllowQueryStringOverrides = true;
                }
            })
            .WithCookieStickyBucketing(o => o.Protect = mode != GateAppMode.Unprotected);
        var app = builder.Build();
        app.UseAuthentication();
        foreach (var gate in Gates)
        {
            app.MapGet("/gated/" + gate, async (HttpContext context, IGrowthBookUserContextAccessor users)
                => "granted:" + (await users.GetUserContextAsync(context.RequestAborted)).Attributes.ToJson().GetProperty("id").GetString()).WithFeatureGate(gate);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GateApp(app, new Uri(address), mode);
    }

    /// <summary>One request: what it got (200 with the id evaluated, or the status) and the cookies it was given.</summary>
    public async Task<GateAnswer> GetAsync(string pathAndQuery, string? cookie = null, string? host = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
            request.Headers.Add("X-Forwarded-Host", host);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0].Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
            : [];
        return new GateAnswer(response.StatusCode, response.StatusCode == HttpStatusCode.OK && body.StartsWith("granted:", StringComparison.Ordinal) ? body["granted:".Length..] : null, cookies);
    }

    /// <summary>The id inside an anonymous-id cookie this app issued (an attacker who learnt their own id).</summary>
    public string UnprotectAnonymousId(string cookie)
        => Services.GetRequiredService<IOptions<AspNetCore.GrowthBookHttpContextOptions>>().Value.ProtectAnonymousId
            ? Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(AspNetCore.HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Unprotect(cookie)
            : cookie;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Bearer tokens standing for the app's sign-in: <c>t-premium</c> (plan premium) and <c>t-vip</c> (id vip-42).</summary>
    private sealed class TokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Token";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Claim[]? claims = Request.Headers.Authorization.ToString() switch
            {
                "Bearer t-premium" => [new(ClaimTypes.NameIdentifier, "u-premium"), new("plan", "premium")],
                "Bearer t-vip" => [new(ClaimTypes.NameIdentifier, "vip-42"), new("plan", "free")],
                _ => null,
            };
            return Task.FromResult(claims is null
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}

/// <summary>How <see cref="GateApp"/> is configured.</summary>
internal enum GateAppMode
{
    /// <summary>The defaults (Production: no querystring overrides; protected cookies) and real allowed hosts.</summary>
    Secured,

    /// <summary>The control: querystring overrides on, plain cookies, any host accepted.</summary>
    Unprotected,

    /// <summary>Secured, with querystring overrides turned on for QA links.</summary>
    QaLinks,
}

/// <summary>A response: the status, the id the gate was opened for (null when closed), the cookies set.</summary>
internal sealed record GateAnswer(HttpStatusCode Status, string? GrantedTo, Dictionary<string, string> Cookies)
{
    public bool Open => GrantedTo is not null;

    public override string ToString() => Open ? $"200 granted to {GrantedTo}" : ((int)Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
