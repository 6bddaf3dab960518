using GrowthBook.FeatureManagement;

namespace GrowthBook.FeatureManagement.Demo.Tests;

/// <summary>What GrowthBook's engine gives a visitor, computed here over the same payload file the demo serves.</summary>
internal static class Engine
{
    public static GrowthBookScope Scope(string payloadFile, string id, string country, string plan)
        => new(GrowthBookPayload.Parse(File.ReadAllText(payloadFile)), new UserContext
        {
            Attributes = GrowthBookAttributes.From(new Dictionary<string, object?>
            {
                ["id"] = id,
                ["anonymousId"] = id,
                ["country"] = country,
                ["plan"] = plan,
            }),
        });

    /// <summary>A CSS hex colour (<c>#16a34a</c>) as browsers report computed colours (<c>rgb(22, 163, 74)</c>).</summary>
    public static string CssRgb(string hex)
    {
        var value = Convert.ToInt32(hex.TrimStart('#'), 16);
        return FormattableString.Invariant($"rgb({(value >> 16) & 0xff}, {(value >> 8) & 0xff}, {value & 0xff})");
    }
}
