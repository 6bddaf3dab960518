using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// The anonymous-id cookie's verified-cookie table: a returning visitor's protected cookie is unprotected once, not on
/// every request; a forged cookie is never remembered; entries expire after ten minutes; the table stays bounded; size
/// 0 turns it off.
/// </summary>
[TestFixture]
public sealed class VerifiedCookieTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly HttpContextAccessor _http = new();
    private CountingProvider _dataProtection = null!;

    [SetUp]
    public void NewKeys() => _dataProtection = new CountingProvider(new EphemeralDataProtectionProvider());

    [Test]
    public async Task AReturningVisitorsCookie_IsUnprotectedOnce()
    {
        var accessor = Accessor(cacheSize: 16);
        var cookie = _dataProtection.Protect("visitor-1");

        for (var request = 0; request < 5; request++)
        {
            Assert.That(await AnonymousIdAsync(accessor, cookie), Is.EqualTo("visitor-1"), $"request {request}");
        }

        Assert.That(_dataProtection.Unprotects, Is.EqualTo(1));
    }

    [Test]
    public async Task AForgedCookie_IsRejectedOnEveryRequest_AndNeverRemembered()
    {
        var accessor = Accessor(cacheSize: 16);
        var forged = new CountingProvider(new EphemeralDataProtectionProvider()).Protect("victim"); // another app's keys

        for (var request = 0; request < 3; request++)
        {
            Assert.That(await AnonymousIdAsync(accessor, forged), Is.Not.EqualTo("victim"), $"request {request}: the forged id is replaced");
        }

        Assert.That(_dataProtection.Unprotects, Is.EqualTo(3), "each request tried, and failed, to authenticate it");
    }

    [Test]
    public async Task AnEntry_ExpiresAfterTenMinutes()
    {
        var accessor = Accessor(cacheSize: 16);
        var cookie = _dataProtection.Protect("visitor-1");
        await AnonymousIdAsync(accessor, cookie);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await AnonymousIdAsync(accessor, cookie);
        Assert.That(_dataProtection.Unprotects, Is.EqualTo(1), "still remembered just before ten minutes");

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await AnonymousIdAsync(accessor, cookie), Is.EqualTo("visitor-1"));
        Assert.That(_dataProtection.Unprotects, Is.EqualTo(2), "authenticated again after ten minutes");
    }

    [Test]
    public async Task TheTable_KeepsAtMostTwoGenerations()
    {
        var accessor = Accessor(cacheSize: 2);
        var cookies = Enumerable.Range(0, 6).Select(i => _dataProtection.Protect("visitor-" + i)).ToArray();
        foreach (var cookie in cookies)
        {
            await AnonymousIdAsync(accessor, cookie);
        }

        var before = _dataProtection.Unprotects;
        await AnonymousIdAsync(accessor, cookies[^1]);
        await AnonymousIdAsync(accessor, cookies[^2]);
        Assert.That(_dataProtection.Unprotects, Is.EqualTo(before), "the newest generation is kept");

        await AnonymousIdAsync(accessor, cookies[0]);
        Assert.That(_dataProtection.Unprotects, Is.EqualTo(before + 1), "the oldest cookies were dropped");
    }

    [Test]
    public async Task SizeZero_UnprotectsOnEveryRequest()
    {
        var accessor = Accessor(cacheSize: 0);
        var cookie = _dataProtection.Protect("visitor-1");

        for (var request = 0; request < 3; request++)
        {
            Assert.That(await AnonymousIdAsync(accessor, cookie), Is.EqualTo("visitor-1"));
        }

        Assert.That(_dataProtection.Unprotects, Is.EqualTo(3));
    }

    private HttpContextUserContextAccessor Accessor(int cacheSize)
        => new(
            _http,
            Options.Create(new GrowthBookHttpContextOptions { AnonymousIdVerificationCacheSize = cacheSize }),
            _dataProtection,
            logger: null,
            _time);

    // One request: a new HttpContext carrying the cookie; the user the accessor reads from it.
    private async Task<string?> AnonymousIdAsync(HttpContextUserContextAccessor accessor, string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = "gbuuid=" + cookie;
        _http.HttpContext = context;
        var user = await accessor.GetUserContextAsync();
        return user.Attributes.TryGetValue("anonymousId", out var id) ? id.GetString() : null;
    }

    /// <summary>Data Protection that counts unprotects of the anonymous-id purpose.</summary>
    private sealed class CountingProvider(IDataProtectionProvider inner) : IDataProtectionProvider
    {
        private int _unprotects;

        public int Unprotects => Volatile.Read(ref _unprotects);

        public string Protect(string id) => CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Protect(id);

        public IDataProtector CreateProtector(string purpose) => new Counting(this, inner.CreateProtector(purpose));

        private sealed class Counting(CountingProvider owner, IDataProtector protector) : IDataProtector
        {
            public IDataProtector CreateProtector(string purpose) => new Counting(owner, protector.CreateProtector(purpose));

            public byte[] Protect(byte[] plaintext) => protector.Protect(plaintext);

            public byte[] Unprotect(byte[] protectedData)
            {
                Interlocked.Increment(ref owner._unprotects);
                return protector.Unprotect(protectedData);
            }
        }
    }
}
