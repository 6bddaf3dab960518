using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RazorPagesDemo.Pages;

/// <summary>
/// The friendly answer for a page that is not there for this visitor. Microsoft.FeatureManagement answers a Razor Page
/// whose <c>[FeatureGate]</c> is closed with a 404 (its disabled-features handler covers MVC actions only), so the app
/// re-executes 404s here and names the feature when the page was a gated one.
/// </summary>
public sealed class UnavailableModel : PageModel
{
    // Gated pages by path: which feature opens them.
    private static readonly Dictionary<string, string> GatedPages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/Beta"] = BetaModel.Feature,
    };

    /// <summary>The page that was asked for.</summary>
    public string OriginalPath { get; private set; } = "";

    /// <summary>The feature that would open the page, when it is a gated page.</summary>
    public string? Feature { get; private set; }

    /// <summary>Reads which page was asked for.</summary>
    public void OnGet()
    {
        OriginalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath ?? "";
        Feature = GatedPages.GetValueOrDefault(OriginalPath.TrimEnd('/'));
    }
}
