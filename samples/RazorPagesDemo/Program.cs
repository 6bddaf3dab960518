using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.FeatureManagement;
using RazorPagesDemo.Demo;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorPages();

// GrowthBook behind Microsoft.FeatureManagement: [FeatureGate], <feature>, IFeatureManager and IVariantFeatureManager
// answer from GrowthBook. The GrowthBook section of appsettings.json picks the payload: the bundled features.json
// (offline, reloaded when the file changes) or a real GrowthBook API (ClientKey, ApiHost, RefreshStrategy).
builder.Services.AddFeatureManagement()
    .AddGrowthBook(builder.Configuration.GetSection("GrowthBook"))
    .WithBundledPayload()
    // Attributes from the request (id from the protected gbuuid cookie, url, browser, deviceType, utm_*), plus the
    // attribute switcher's id, country and plan from its cookie. AllowedHosts (appsettings.json) names the hosts whose
    // Host header the url and host attributes may come from.
    .WithHttpContext(options => options.Enrich = DemoUser.Enrich)
    // Sticky bucketing for anonymous visitors: their experiment variations are kept in a protected cookie across visits.
    .WithCookieStickyBucketing();

builder.Services.AddHealthChecks().AddGrowthBook();

var app = builder.Build();

// A closed [FeatureGate] on a Razor Page answers 404: show the friendly page instead of a bare 404.
app.UseStatusCodePagesWithReExecute("/Unavailable");
app.UseStaticFiles();
app.UseRouting();
app.MapRazorPages();
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        entries = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
    }),
});

app.Run();
