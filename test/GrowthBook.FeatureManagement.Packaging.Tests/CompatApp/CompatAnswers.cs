using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;

namespace GrowthBook.FeatureManagement.Packaging.Tests;

/// <summary>
/// A small web app set up as the README says, on Kestrel (127.0.0.1): for each of 40 users (from a header) it answers
/// every feature through IsEnabledAsync and GetVariantAsync, and a [FeatureGate]-style endpoint; returns the answers as text.
/// </summary>
public static class CompatAnswers
{
    public static async Task<string> RunAsync(string payload)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection([new("AllowedHosts", "127.0.0.1")]);
        builder.Logging.ClearProviders();
        builder.Services.AddFeatureManagement()
            .AddGrowthBook(o => o.BootstrapPayload = payload)
            .WithHttpContext(o => o.Enrich = (context, attributes) =>
            {
                attributes["id"] = context.Request.Headers["X-User"].ToString();
                attributes["country"] = context.Request.Headers["X-Country"].ToString();
                attributes["plan"] = context.Request.Headers["X-Plan"].ToString();
            });
        await using var app = builder.Build();
        app.MapGet("/answers", async (IVariantFeatureManagerSnapshot features, CancellationToken cancellationToken) =>
        {
            var text = new StringBuilder();
            await foreach (var name in features.GetFeatureNamesAsync(cancellationToken))
            {
                var variant = await features.GetVariantAsync(name, cancellationToken);
                text.Append(name).Append(' ').Append(await features.IsEnabledAsync(name, cancellationToken))
                    .Append(' ').Append(variant?.Name).Append(' ').Append(variant?.Configuration?.Value ?? variant?.Configuration?.GetChildren().FirstOrDefault()?.Value).Append('\n');
            }

            return text.ToString();
        });
        app.MapGet("/gated", () => "in").WithFeatureGate("checkout-v2");
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var all = new StringBuilder();
            for (var i = 0; i < 40; i++)
            {
                foreach (var path in new[] { "/answers", "/gated" })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    request.Headers.Add("X-User", "user-" + i);
                    request.Headers.Add("X-Country", i % 3 == 0 ? "US" : "FR");
                    request.Headers.Add("X-Plan", i % 4 == 0 ? "premium" : "free");
                    using var response = await http.SendAsync(request);
                    all.Append("user-").Append(i).Append(' ').Append(path).Append(' ').Append((int)response.StatusCode).Append('\n')
                        .Append(await response.Content.ReadAsStringAsync()).Append('\n');
                }
            }

            return all.ToString();
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
