using BenchmarkDotNet.Attributes;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The part of <see cref="RequestBenchmarks"/> that reads the user from the request, alone: each call builds a fresh
/// <see cref="HttpContext"/> like the benchmark's request (the next of 1,024 users) and asks an accessor of the apps of
/// <see cref="RequestApps"/> for its user. <see cref="Context"/> (the baseline) only builds the context, so the
/// difference is the accessor's own cost per request. [GlobalSetup] throws unless the accessors read the right user.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class RequestUserBenchmarks
{
    private RequestApps _apps = null!;
    private ITargetingContextAccessor _targeting = null!;
    private HttpContextUserContextAccessor _growthBook = null!;
    private HttpContextUserContextAccessor _plainCookie = null!;
    private IHttpContextAccessor _httpContext = null!;
    private IDataProtector _protector = null!;
    private IDataProtector _aesGcmProtector = null!;
    private string[] _cookies = null!;
    private string[] _aesGcmCookies = null!;
    private RequestUsers _users = null!;
    private RequestUsers _plainCookieUsers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _apps = new RequestApps();
        _targeting = _apps.Microsoft.Services.GetRequiredService<ITargetingContextAccessor>();
        _growthBook = _apps.GrowthBook.Services.GetRequiredService<HttpContextUserContextAccessor>();
        _plainCookie = _apps.PlainCookie.Services.GetRequiredService<HttpContextUserContextAccessor>();

        // One IHttpContextAccessor serves all: its current context is process-wide (an AsyncLocal), whichever app made it.
        _httpContext = _apps.GrowthBook.Services.GetRequiredService<IHttpContextAccessor>();
        _protector = _apps.AnonymousIdProtector();
        _aesGcmProtector = _apps.AesGcmAnonymousIdProtector();
        _users = new RequestUsers(_apps.ProtectAnonymousId);
        _cookies = [.. Enumerable.Range(0, AnchorPayload.UserCount).Select(i => _users[i].Cookie["gbuuid=".Length..])];
        _aesGcmCookies = [.. Enumerable.Range(0, AnchorPayload.UserCount).Select(i => _aesGcmProtector.Protect(_users[i].AnonymousId))];
        _plainCookieUsers = new RequestUsers(id => id);

        for (var i = 0; i < AnchorPayload.UserCount; i++)
        {
            var user = _users[i];
            Checks.That(_protector.Unprotect(_cookies[i]) == user.AnonymousId && _aesGcmProtector.Unprotect(_aesGcmCookies[i]) == user.AnonymousId, "the anonymous id cookie of " + user.Id);
            var targeting = Targeting(user);
            Checks.That(targeting.UserId == user.Id && targeting.Groups.SequenceEqual([user.Country, .. user.Roles]), "targeting context of " + user.Id);
            foreach (var read in new[] { Read(_growthBook, user), Read(_plainCookie, _plainCookieUsers[i]) })
            {
                Checks.That(
                    read.Attributes.TryGetValue("id", out var id) && id.GetString() == user.Id
                    && read.Attributes.TryGetValue("anonymousId", out var anonymousId) && anonymousId.GetString() == user.AnonymousId
                    && read.Attributes.TryGetValue("country", out var country) && country.GetString() == user.Country,
                    "GrowthBook user of " + user.Id + ": " + read.Attributes);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _httpContext.HttpContext = null;
        _apps.Dispose();
    }

    /// <summary>A request's context made current, and nothing read from it.</summary>
    [Benchmark(Baseline = true)]
    public HttpContext Context() => NewContext(_users.Next());

    /// <summary>Microsoft.FeatureManagement's side: the claims targeting accessor.</summary>
    [Benchmark]
    public TargetingContext MicrosoftTargetingContext() => Targeting(_users.Next());

    /// <summary><c>HttpContextUserContextAccessor</c> as the app sets it up (protected anonymous-id cookie).</summary>
    [Benchmark]
    public UserContext GrowthBookUserContext() => Read(_growthBook, _users.Next());

    /// <summary>The same with <c>ProtectAnonymousId = false</c> (not the default).</summary>
    [Benchmark]
    public UserContext GrowthBookUserContextPlainCookie() => Read(_plainCookie, _plainCookieUsers.Next());

    /// <summary>The part of <see cref="GrowthBookUserContext"/> that Data Protection does: the cookie's unprotect, alone (no context).</summary>
    [Benchmark]
    public string AnonymousIdUnprotect() => _protector.Unprotect(_cookies[_users.NextIndex()]);

    /// <summary>The same under Data Protection set to AES-256-GCM (an app's choice; the default is AES-256-CBC + HMACSHA256).</summary>
    [Benchmark]
    public string AnonymousIdUnprotectAesGcm() => _aesGcmProtector.Unprotect(_aesGcmCookies[_users.NextIndex()]);


    private TargetingContext Targeting(RequestUser user)
    {
        NewContext(user);
        return _targeting.GetContextAsync().Result;
    }

    private UserContext Read(HttpContextUserContextAccessor accessor, RequestUser user)
    {
        NewContext(user);
        return accessor.GetUserContextAsync().Result;
    }

    private HttpContext NewContext(RequestUser user)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        user.Describe(context);
        _httpContext.HttpContext = context;
        return context;
    }
}
