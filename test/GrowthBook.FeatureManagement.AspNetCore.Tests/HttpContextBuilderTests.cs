using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>
/// WithHttpContext is a default, not surgery: an accessor the app registers wins in either order (and can build on the
/// HttpContext one); without WithHttpContext nothing reads the request, whatever assemblies are loaded.
/// </summary>
[TestFixture]
public sealed class HttpContextBuilderTests
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task AnAccessorTheAppRegisters_WinsBeforeOrAfterWithHttpContext(bool before)
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, gb =>
        {
            if (before)
            {
                gb.Services.AddSingleton<IGrowthBookUserContextAccessor, PremiumUsers>();
            }

            gb.WithHttpContext();
            if (!before)
            {
                gb.Services.AddSingleton<IGrowthBookUserContextAccessor, PremiumUsers>();
            }
        });
        var (answer, setCookie) = await app.GetAsync("/page", "premium-only");
        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo("on"), "the app's accessor, which adds plan = premium");
            Assert.That(setCookie, Does.StartWith("gbuuid="), "built on the HttpContext accessor, which issued the anonymous id");
        });
    }

    [Test]
    public async Task AddGrowthBookAlone_ReadsNothingFromTheRequest()
    {
        await using var app = await MiniApp.StartAsync(Environments.Production, growthBook: null);
        Assert.Multiple(async () =>
        {
            Assert.That(app.Services.GetService<IGrowthBookUserContextAccessor>(), Is.Null, "no accessor registered behind the app's back");
            Assert.That((await app.GetAsync("/promo", "url-targeted")).Answer, Is.EqualTo("off"), "an anonymous user without a URL");
        });
    }

    /// <summary>The docs' example of a custom accessor: the request's user, with an attribute of the app's own.</summary>
    private sealed class PremiumUsers(HttpContextUserContextAccessor requests) : IGrowthBookUserContextAccessor
    {
        public async ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
        {
            var user = await requests.GetUserContextAsync(cancellationToken);
            return new UserContext
            {
                Attributes = user.Attributes.With("plan", "premium"),
                Url = user.Url,
                AllowQueryStringOverrides = user.AllowQueryStringOverrides,
            };
        }
    }
}
