using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;

/// <summary>
/// A small web app that uses GrowthBook through every Microsoft.FeatureManagement surface: [FeatureGate] on an MVC action
/// and on a Razor Page model, the &lt;feature&gt; tag helper, WithFeatureGate on minimal API endpoints, UseForFeature
/// middleware, configuration flags with Microsoft.Percentage and the GrowthBook filter side by side, and the health check.
/// The user comes from test headers: <see cref="TestAuthHandler"/> signs in <c>X-Test-User</c> with claims, and the
/// Enrich hook reads <c>X-Test-Plan</c>.
/// </summary>
public sealed class TestApp
{
    /// <summary>Configuration flags (both Microsoft.FeatureManagement schemas), next to GrowthBook's features.</summary>
    public const string ConfigurationFlags = """
        {
          "feature_management": {
            "feature_flags": [
              { "id": "MsFlag", "enabled": true },
              {
                "id": "MsPercentOrGrowthBook", "enabled": true,
                "conditions": { "requirement_type": "Any", "client_filters": [
                  { "name": "Microsoft.Percentage", "parameters": { "Value": 0 } },
                  { "name": "GrowthBook", "parameters": { "Feature": "premium-only" } } ] }
              }
            ]
          },
          "FeatureManagement": {
            "DotnetFlag": true,
            "PercentOrGrowthBook": { "RequirementType": "Any", "EnabledFor": [
              { "Name": "Microsoft.Percentage", "Parameters": { "Value": 0 } },
              { "Name": "GrowthBook", "Parameters": { "Feature": "checkout-v2" } } ] },
            "PercentOnly": { "EnabledFor": [ { "Name": "Microsoft.Percentage", "Parameters": { "Value": 100 } } ] },
            "PercentZero": { "EnabledFor": [ { "Name": "Microsoft.Percentage", "Parameters": { "Value": 0 } } ] }
          }
        }
        """;

    /// <summary>The HttpContext item counting calls of the Enrich hook in one request.</summary>
    public const string EnrichCountItem = "test:enrich-count";

    internal static void ConfigureServices(IServiceCollection services, IConfiguration configuration, TestAppSettings settings)
    {
        services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        services.AddControllersWithViews();
        services.AddRazorPages(o => o.RootDirectory = "/TestApp/Pages");
        services.Configure<RazorViewEngineOptions>(o =>
        {
            o.ViewLocationFormats.Insert(0, "/TestApp/Views/{1}/{0}.cshtml");
            o.ViewLocationFormats.Insert(1, "/TestApp/Views/Shared/{0}.cshtml");
        });

        // The one-line setup ...
        var featureManagement = services.AddFeatureManagement();
        if (settings.UseDisabledFeaturesHandler)
        {
            featureManagement.UseDisabledFeaturesHandler((features, context) =>
                context.Result = new ContentResult { StatusCode = StatusCodes.Status403Forbidden, Content = "disabled: " + string.Join(",", features) });
        }

        // ... with the HttpContext attributes configured: claims passed on as attributes, an Enrich hook.
        var growthBook = featureManagement.AddGrowthBook(configuration.GetSection("GrowthBook")).WithHttpContext(o =>
        {
            o.ClaimAttributes["country"] = "country";
            o.ClaimAttributes[ClaimTypes.Role] = "roles";
            o.Enrich = (context, attributes) =>
            {
                context.Items[EnrichCountItem] = (context.Items.TryGetValue(EnrichCountItem, out var n) ? (int)n! : 0) + 1;
                if (context.Request.Headers.TryGetValue("X-Test-Plan", out var plan))
                {
                    attributes["plan"] = plan.ToString();
                }
            };
        });
        settings.GrowthBookSetup?.Invoke(growthBook);
        services.AddHealthChecks().AddGrowthBook();
        settings.Services?.Invoke(services);
    }

    internal static void Configure(IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAuthentication();
        app.UseForFeature("checkout-v2", branch => branch.Use(async (context, next) =>
        {
            context.Response.Headers["X-Checkout-Middleware"] = "on";
            await next(context);
        }));
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapControllers();
            endpoints.MapRazorPages();
            endpoints.MapGet("/ping", () => "pong");
            endpoints.MapGet("/minimal/checkout", () => "minimal checkout").WithFeatureGate("checkout-v2");
            endpoints.MapGet("/minimal/checkout-or-premium", () => "either").WithFeatureGate(RequirementType.Any, "checkout-v2", "premium-only");
            endpoints.MapGet("/minimal/not-checkout", () => "classic checkout").WithFeatureGate(negate: true, "checkout-v2");
            endpoints.MapGet("/enabled/{feature}", async (string feature, IFeatureManagerSnapshot features) =>
                await features.IsEnabledAsync(feature) ? "on" : "off");
            endpoints.MapGet("/variant/{feature}", async (string feature, IVariantFeatureManagerSnapshot features, CancellationToken cancellationToken) =>
            {
                var variant = await features.GetVariantAsync(feature, cancellationToken);
                return Results.Json(new { name = variant?.Name, value = variant?.Configuration?.Value, color = variant?.Configuration?["color"] });
            });
            endpoints.MapGet("/attributes", async (IGrowthBookUserContextAccessor users, HttpContext context) =>
            {
                var user = await users.GetUserContextAsync(context.RequestAborted);
                return Results.Content(JsonSerializer.Serialize(new { attributes = user.Attributes.ToJson(), url = user.Url }), "application/json");
            });
            endpoints.MapGet("/evaluate-many", async (HttpContext context, IFeatureManagerSnapshot features, IVariantFeatureManagerSnapshot variants) =>
            {
                foreach (var name in new[] { "checkout-v2", "premium-only", "banner-text", "PercentOrGrowthBook" })
                {
                    await features.IsEnabledAsync(name);
                }

                await variants.GetVariantAsync("button-style", context.RequestAborted);
                await variants.GetVariantAsync("pricing", context.RequestAborted);
                return context.Items.TryGetValue(EnrichCountItem, out var count) ? count!.ToString() : "0";
            });
            endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        });
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            entries = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
