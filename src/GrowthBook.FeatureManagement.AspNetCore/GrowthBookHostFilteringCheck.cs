using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.AspNetCore;

/// <summary>
/// Warns once when the host starts if the <c>url</c> and <c>host</c> attributes the HttpContext accessor reads can be
/// chosen by a visitor: host filtering accepting any host (<c>AllowedHosts</c> missing or <c>*</c>), or forwarded
/// <c>X-Forwarded-Host</c> headers accepted from anyone with any value.
/// </summary>
internal sealed class GrowthBookHostFilteringCheck(
    IOptions<HostFilteringOptions> hostFiltering,
    IOptions<ForwardedHeadersOptions> forwardedHeaders,
    ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (AcceptsAnyHost(hostFiltering.Value.AllowedHosts))
        {
            AspNetCoreLog.AnyHostAccepted(Logger(), "AllowedHosts (HostFilteringOptions)");
        }
        else if (forwardedHeaders.Value is { } forwarded
            && (forwarded.ForwardedHeaders & ForwardedHeaders.XForwardedHost) != 0
            && AcceptsAnyHost(forwarded.AllowedHosts))
        {
            AspNetCoreLog.AnyHostAccepted(Logger(), "ForwardedHeadersOptions.AllowedHosts (X-Forwarded-Host is on)");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private ILogger Logger() => loggerFactory.CreateLogger("GrowthBook.AspNetCore");

    private static bool AcceptsAnyHost(IList<string>? hosts) => hosts is null || hosts.Count == 0 || hosts.Any(h => h is "*" or "");
}
