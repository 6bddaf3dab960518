using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>The ASP.NET Core package's log messages. Cookie values are client input and never logged.</summary>
internal static partial class AspNetCoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "The {CookieName} cookie was not issued by this app (forged, edited, or protected with other Data Protection keys): ignored, and a new anonymous id issued.")]
    public static partial void AnonymousIdRejected(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug,
        Message = "The {CookieName} sticky-bucket cookie was not one this app wrote (forged, edited, too long, or protected with other Data Protection keys): ignored, and replaced on the next assignment.")]
    public static partial void StickyBucketCookieRejected(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "GrowthBook's url and host attributes come from the request's Host header, and {Setting} accepts any host: a visitor can choose them, and steer conditions on url or host and URL-targeted experiments. Set it to this app's host names (docs/security.md, \"Host-derived attributes\").")]
    public static partial void AnyHostAccepted(ILogger logger, string setting);
}
