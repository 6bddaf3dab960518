using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrowthBook.FeatureManagement.Demo.Tests;

/// <summary>
/// The demo app, unchanged, on a real Kestrel socket on 127.0.0.1 (a free port), serving a copy of its bundled payload
/// from a temporary file that a test may rewrite. Offline: no client key.
/// </summary>
internal sealed class DemoHost : WebApplicationFactory<Program>
{
    private DemoHost(string payloadFile)
    {
        PayloadFile = payloadFile;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The payload file the demo serves and watches.</summary>
    public string PayloadFile { get; }

    /// <summary>The address the demo listens on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Copies the demo's features.json to a temporary file and starts the demo on it.</summary>
    public static DemoHost Start()
    {
        var file = Path.Combine(Path.GetTempPath(), "gb-demo-" + Guid.NewGuid().ToString("N") + ".json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "features.json"), file);
        var host = new DemoHost(file);
        host.StartServer();
        var addresses = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        host.Address = new Uri(addresses.Single());
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(
        [
            new("GrowthBook:ClientKey", ""),
            new("GrowthBook:BootstrapFile", PayloadFile),
            new("Logging:LogLevel:Default", "Warning"),
        ]));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(PayloadFile);
    }
}
