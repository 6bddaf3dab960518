namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>Coarse browser and device detection from a User-Agent header, as the Python SDK's request-context plugin does.</summary>
internal static class UserAgents
{
    public static string Browser(string userAgent)
    {
        if (Has(userAgent, "Edg/") || Has(userAgent, "Edge/"))
        {
            return "edge";
        }

        if (Has(userAgent, "OPR/") || Has(userAgent, "Opera"))
        {
            return "opera";
        }

        if (Has(userAgent, "Firefox/") || Has(userAgent, "FxiOS/"))
        {
            return "firefox";
        }

        if (Has(userAgent, "Chrome/") || Has(userAgent, "CriOS/") || Has(userAgent, "Chromium/"))
        {
            return "chrome";
        }

        if (Has(userAgent, "Safari/"))
        {
            return "safari";
        }

        return userAgent.Length == 0 ? "" : "unknown";
    }

    public static string DeviceType(string userAgent)
    {
        if (Has(userAgent, "iPad") || Has(userAgent, "Tablet") || (Has(userAgent, "Android") && !Has(userAgent, "Mobile")))
        {
            return "tablet";
        }

        if (Has(userAgent, "Mobi") || Has(userAgent, "iPhone") || Has(userAgent, "Android"))
        {
            return "mobile";
        }

        return "desktop";
    }

    private static bool Has(string s, string part) => s.Contains(part, StringComparison.OrdinalIgnoreCase);
}
