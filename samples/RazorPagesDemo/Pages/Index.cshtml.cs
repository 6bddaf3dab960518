using GrowthBook.FeatureManagement;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.FeatureManagement;
using RazorPagesDemo.Demo;

namespace RazorPagesDemo.Pages;

/// <summary>The home page: a feature value from the client, a variant bound to options, and an inline experiment.</summary>
public sealed class IndexModel(GrowthBookClient growthBook, IGrowthBookUserContextAccessor users, IVariantFeatureManagerSnapshot variants) : PageModel
{
    /// <summary>The <c>welcome-banner</c> feature's value for the visitor.</summary>
    public string Banner { get; private set; } = "";

    /// <summary>The checkout button, bound from the <c>checkout-button</c> variant's configuration.</summary>
    public ButtonOptions Button { get; private set; } = new();

    /// <summary>The <c>checkout-button</c> variant's name: the experiment variation key, a rule id, or <c>default</c>.</summary>
    public string ButtonVariant { get; private set; } = "";

    /// <summary>The inline <see cref="DemoExperiments.HeroHeadline"/> experiment's result for the visitor.</summary>
    public ExperimentResult Headline { get; private set; } = null!;

    /// <summary>Evaluates the page's features for the current visitor.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserContextAsync(cancellationToken);

        // The shared client, directly: a string value.
        Banner = growthBook.GetFeatureValue("welcome-banner", "Welcome", user);

        // Microsoft.FeatureManagement: the variant's configuration binds like any options section.
        var variant = await variants.GetVariantAsync("checkout-button", cancellationToken);
        ButtonVariant = variant?.Name ?? "";
        Button = variant?.Configuration?.Get<ButtonOptions>() ?? new ButtonOptions();

        // An experiment defined in code, run inline for this visitor.
        Headline = growthBook.Run(DemoExperiments.HeroHeadline, user);
    }
}
