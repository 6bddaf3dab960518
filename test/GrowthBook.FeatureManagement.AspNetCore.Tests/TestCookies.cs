using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>Cookies as the app itself would write them, with its own Data Protection keys.</summary>
internal static class TestCookies
{
    /// <summary>The anonymous id cookie's value for <paramref name="id"/>.</summary>
    public static string AnonymousId(IServiceProvider app, string id)
        => app.GetRequiredService<IDataProtectionProvider>().CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Protect(id);

    /// <summary>The id inside an anonymous id cookie the app issued.</summary>
    public static string UnprotectAnonymousId(IServiceProvider app, string cookie)
        => app.GetRequiredService<IDataProtectionProvider>().CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Unprotect(cookie);
}
