using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.FeatureManagement.Mvc;

namespace RazorPagesDemo.Pages;

/// <summary>A page only visitors with the <c>beta-dashboard</c> feature reach; others get <see cref="UnavailableModel"/>.</summary>
[FeatureGate(Feature)]
public sealed class BetaModel : PageModel
{
    /// <summary>The feature that opens the page.</summary>
    public const string Feature = "beta-dashboard";
}
