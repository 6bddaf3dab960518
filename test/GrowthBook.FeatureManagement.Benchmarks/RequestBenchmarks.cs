using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Flags = GrowthBook.FeatureManagement.Benchmarks.FeatureManagementFlags;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// A whole request through GrowthBook against the same request on Microsoft.FeatureManagement 4.7.0 alone, in one run.
/// Each benchmark sends one GET <c>/products?…</c> in process (<see cref="TestServer.SendAsync"/>, no HttpClient) to an
/// MVC action behind <c>[FeatureGate]</c> that checks four more flags (<c>IsEnabledAsync</c> ×2, <c>GetVariantAsync</c>
/// ×2) and writes the answers, and reads the response to its end. The visitor rotates over 1,024 signed-in users
/// (<see cref="RequestUsers"/>: claims principal, protected anonymous-id cookie, User-Agent). [GlobalSetup] throws unless
/// every user gets the expected answers on both sides, so <c>--smoke</c> checks them.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class RequestBenchmarks
{
    private RequestApps _apps = null!;
    private TestServer _microsoft = null!;
    private TestServer _growthBook = null!;
    private TestServer _plainCookie = null!;
    private TestServer _firstVisit = null!;
    private TestServer _withoutFlags = null!;
    private RequestUsers _microsoftUsers = null!;
    private RequestUsers _growthBookUsers = null!;
    private RequestUsers _plainCookieUsers = null!;
    private RequestUsers _firstVisitUsers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _apps = new RequestApps();
        _microsoft = _apps.Microsoft.GetTestServer();
        _growthBook = _apps.GrowthBook.GetTestServer();
        _plainCookie = _apps.PlainCookie.GetTestServer();
        _firstVisit = _apps.FirstVisit.GetTestServer();
        _withoutFlags = _apps.WithoutFlags.GetTestServer();

        // Both sides get the same requests (Microsoft's app ignores the cookie); the plain-cookie row's cookies hold the id as it is.
        _microsoftUsers = new RequestUsers(_apps.ProtectAnonymousId);
        _growthBookUsers = new RequestUsers(_apps.ProtectAnonymousId);
        _plainCookieUsers = new RequestUsers(id => id);
        _firstVisitUsers = new RequestUsers(_apps.ProtectAnonymousIdForFirstVisit);
        Verify();
    }

    [GlobalCleanup]
    public void Cleanup() => _apps.Dispose();

    /// <summary>Microsoft.FeatureManagement alone: <c>Microsoft.Targeting</c> gate, a plain flag, a targeting rollout, two percentile variants.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> MicrosoftRequest() => SendAsync(_microsoft, _microsoftUsers.Next());

    /// <summary>
    /// GrowthBook through Microsoft.FeatureManagement, the user read by <c>HttpContextUserContextAccessor</c> (protected
    /// cookie and the verified-cookie table, the defaults): a returning visitor, whose cookie was authenticated by an
    /// earlier request (the 1,024 users fit the table).
    /// </summary>
    [Benchmark]
    public Task<int> GrowthBookRequest() => SendAsync(_growthBook, _growthBookUsers.Next());

    /// <summary>As <see cref="GrowthBookRequest"/>, but every request unprotects its cookie: a visitor's first request.</summary>
    [Benchmark]
    public Task<int> GrowthBookRequestFirstVisit() => SendAsync(_firstVisit, _firstVisitUsers.Next());

    /// <summary>As <see cref="GrowthBookRequest"/> with <c>ProtectAnonymousId = false</c> (not the default): what Data Protection's unprotect costs.</summary>
    [Benchmark]
    public Task<int> GrowthBookRequestPlainCookie() => SendAsync(_plainCookie, _plainCookieUsers.Next());

    /// <summary>The floor: the same request to the same page with no feature management (constant answers).</summary>
    [Benchmark]
    public Task<int> RequestWithoutFlags() => SendAsync(_withoutFlags, _microsoftUsers.Next());

    /// <summary>One request, read to its end (the app has then run its whole pipeline); its status code.</summary>
    private static async Task<int> SendAsync(TestServer server, RequestUser user)
    {
        var context = await server.SendAsync(user.Describe);
        await context.Response.Body.CopyToAsync(Stream.Null);
        return context.Response.StatusCode;
    }

    private static async Task<(int Status, string Body, bool SetCookie)> SendForAnswersAsync(TestServer server, RequestUser user)
    {
        var context = await server.SendAsync(user.Describe);
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return (context.Response.StatusCode, await reader.ReadToEndAsync(), context.Response.Headers.SetCookie.Count > 0);
    }

    /// <summary>Throws unless both apps answer every user right, so that wrong answers cannot be measured as fast ones.</summary>
    private void Verify()
    {
        var fm = _apps.Microsoft.Services.GetRequiredService<IVariantFeatureManager>();
        var client = _apps.GrowthBook.Services.GetRequiredService<GrowthBookClient>();
        int rolloutOn = 0, treatment = 0, gbRolloutOn = 0, gbVariationOne = 0;
        var buttons = new Dictionary<string, int>(StringComparer.Ordinal);
        var gbButtons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < AnchorPayload.UserCount; i++)
        {
            var user = _microsoftUsers[i];

            // Microsoft's side: what its manager answers for the same user given as a targeting context, not read from the request.
            var targeting = new TargetingContext { UserId = user.Id, Groups = [user.Country, .. user.Roles] };
            var rollout = fm.IsEnabledAsync(Flags.Rollout, targeting, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var variant = fm.GetVariantAsync(Flags.Variant, targeting, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var button = fm.GetVariantAsync(Flags.Button, targeting, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var expected = Answers(true, rollout, variant.Name, variant.Configuration?.Value, button.Name, button.Configuration?.Value);
            Checks.That(SendForAnswersAsync(_microsoft, user).GetAwaiter().GetResult() == (200, expected, false), $"Microsoft.FeatureManagement's request for {user.Id}: expected {expected}");
            rolloutOn += rollout ? 1 : 0;
            treatment += variant.Name == Flags.Treatment ? 1 : 0;
            Count(buttons, button.Name);

            // GrowthBook's side: the engine's answers for the attributes the request should give (country from its claim, id from the name identifier).
            var attributes = GrowthBookAttributes.From([new("id", user.Id), new("country", user.Country)]);
            var expectedUser = new UserContext { Attributes = attributes };
            var gbRollout = client.EvalFeature(RequestPayload.Rollout, expectedUser);
            var gbVariant = client.EvalFeature(AnchorPayload.ExperimentFlag, expectedUser);
            var gbButton = client.EvalFeature(RequestPayload.Button, expectedUser);
            expected = Answers(true, gbRollout.On, gbVariant.ExperimentResult!.Key, gbVariant.On ? "True" : "False", gbButton.ExperimentResult!.Key, gbButton.Value.GetString());
            Checks.That(SendForAnswersAsync(_growthBook, _growthBookUsers[i]).GetAwaiter().GetResult() == (200, expected, false), $"GrowthBook's request for {user.Id}: expected {expected} and the anonymous id cookie accepted");
            Checks.That(SendForAnswersAsync(_plainCookie, _plainCookieUsers[i]).GetAwaiter().GetResult() == (200, expected, false), $"GrowthBook's request (plain cookie) for {user.Id}: expected {expected}");
            Checks.That(SendForAnswersAsync(_firstVisit, _firstVisitUsers[i]).GetAwaiter().GetResult() == (200, expected, false), $"GrowthBook's request (first visit) for {user.Id}: expected {expected} and the anonymous id cookie accepted");
            gbRolloutOn += gbRollout.On ? 1 : 0;
            gbVariationOne += gbVariant.ExperimentResult.Key == "1" ? 1 : 0;
            Count(gbButtons, gbButton.ExperimentResult.Key);

            if (i < RequestUsers.Browsers.Length)
            {
                CheckAttributes(_growthBookUsers[i]);
            }
        }

        CheckShare(rolloutOn, 2, Flags.Rollout + " on");
        CheckShare(treatment, 2, Flags.Variant + " Treatment");
        CheckShare(gbRolloutOn, 2, RequestPayload.Rollout + " on");
        CheckShare(gbVariationOne, 2, AnchorPayload.ExperimentFlag + " variation 1");
        foreach (var (name, count) in buttons.Concat(gbButtons))
        {
            CheckShare(count, 3, "button variant " + name);
        }

        Checks.That(buttons.Count == 3 && gbButtons.Count == 3, "three button variants on each side");

        Checks.That(SendForAnswersAsync(_withoutFlags, _microsoftUsers[0]).GetAwaiter().GetResult().Status == 200, "the page without flags answers");

        // The gate is a real check: a visitor from elsewhere is turned away on both sides.
        var outsider = RequestUsers.Create(7, "FR", _apps.ProtectAnonymousId);
        Checks.That(SendAsync(_microsoft, outsider).GetAwaiter().GetResult() == 404, "Microsoft.FeatureManagement's gate turns a visitor from FR away");
        Checks.That(SendAsync(_growthBook, outsider).GetAwaiter().GetResult() == 404, "GrowthBook's gate turns a visitor from FR away");
    }

    /// <summary>The attributes <see cref="HttpContextUserContextAccessor"/> reads from the benchmark's request, all of them.</summary>
    private void CheckAttributes(RequestUser user)
    {
        var context = new DefaultHttpContext();
        user.Describe(context);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        var httpContextAccessor = _apps.GrowthBook.Services.GetRequiredService<IHttpContextAccessor>();
        httpContextAccessor.HttpContext = context;
        try
        {
            var read = _apps.GrowthBook.Services.GetRequiredService<HttpContextUserContextAccessor>().GetUserContextAsync().AsTask().GetAwaiter().GetResult();
            var url = "http://localhost" + RequestUsers.Path + RequestUsers.Query;
            var expected = GrowthBookAttributes.From(
            [
                new("id", user.Id),
                new("anonymousId", user.AnonymousId),
                new("loggedIn", true),
                new("url", url),
                new("path", RequestUsers.Path),
                new("host", "localhost"),
                new("query", RequestUsers.Query),
                new("userAgent", user.UserAgent),
                new("browser", user.Browser),
                new("deviceType", user.DeviceType),
                new("utm_source", "newsletter"),
                new("utm_campaign", "spring"),
                new("country", user.Country),
                new("roles", user.Roles.Length == 1 ? user.Roles[0] : user.Roles),
            ]);
            Checks.That(read.Attributes.ToString() == expected.ToString() && read.Url == url && !read.AllowQueryStringOverrides, $"attributes of {user.Id}: {read.Attributes}, expected {expected}");
        }
        finally
        {
            httpContextAccessor.HttpContext = null;
        }
    }

    private static string Answers(bool plain, bool rollout, string? variant, string? variantValue, string? button, string? buttonValue)
        => string.Create(CultureInfo.InvariantCulture, $"{plain}|{rollout}|{variant}={variantValue}|{button}={buttonValue}");

    private static void Count(Dictionary<string, int> counts, string? name)
        => counts[name ?? "(none)"] = counts.GetValueOrDefault(name ?? "(none)") + 1;

    // About one in `parts` of the users: within ±10 points of the fair share (1,024 users).
    private static void CheckShare(int count, int parts, string what)
    {
        var share = 100.0 * count / AnchorPayload.UserCount;
        Checks.That(Math.Abs(share - 100.0 / parts) < 10, string.Create(CultureInfo.InvariantCulture, $"{what}: {count} of {AnchorPayload.UserCount}, expected about 1 in {parts}"));
    }
}
