using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RazorPagesDemo.Demo;

namespace RazorPagesDemo.Pages;

/// <summary>The attribute switcher's target: stores the chosen attributes in a cookie and goes back.</summary>
public sealed class SwitchModel : PageModel
{
    /// <summary>Stores the chosen user id, country and plan.</summary>
    public IActionResult OnPost(string? id, string? country, string? plan, string? returnUrl)
    {
        DemoUser.Create(id, country, plan).Save(Response);
        return Back(returnUrl);
    }

    /// <summary>Forgets the choice: back to an anonymous visitor.</summary>
    public IActionResult OnPostReset(string? returnUrl)
    {
        DemoUser.Clear(Response);
        return Back(returnUrl);
    }

    /// <summary>A GET has nothing to show: the switcher is on every page.</summary>
    public IActionResult OnGet() => RedirectToPage("/Index");

    // Only local URLs: the return address comes from the form.
    private IActionResult Back(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl) : RedirectToPage("/Index");
}
