using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.FeatureManagement.Mvc;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp.Pages;

/// <summary>A Razor Page whose model is gated by a GrowthBook feature.</summary>
[FeatureGate("checkout-v2")]
public sealed class GatedModel : PageModel
{
    public string Message { get; private set; } = "";

    public void OnGet() => Message = "welcome";
}
