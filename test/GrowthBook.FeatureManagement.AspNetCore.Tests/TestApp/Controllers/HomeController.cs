using Microsoft.AspNetCore.Mvc;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.Mvc;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp.Controllers;

/// <summary>MVC actions gated by GrowthBook features, and a view using the &lt;feature&gt; tag helper.</summary>
[Route("mvc")]
public sealed class HomeController : Controller
{
    [HttpGet("checkout")]
    [FeatureGate("checkout-v2")]
    public IActionResult Checkout() => Content("mvc checkout");

    [HttpGet("any")]
    [FeatureGate(RequirementType.Any, "checkout-v2", "premium-only")]
    public IActionResult Any() => Content("mvc any");

    [HttpGet("all")]
    [FeatureGate(RequirementType.All, "checkout-v2", "premium-only")]
    public IActionResult All() => Content("mvc all");

    [HttpGet("config-flag")]
    [FeatureGate("PercentOrGrowthBook")]
    public IActionResult ConfigFlag() => Content("mvc config flag");

    [HttpGet("features")]
    public IActionResult Features() => View();
}
