using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;

/// <summary>Hosts <see cref="TestApp"/> in-process (a real ASP.NET Core pipeline over TestServer) with the given settings.</summary>
internal sealed class TestAppFactory(TestAppSettings settings) : WebApplicationFactory<TestApp>
{
    protected override IHostBuilder CreateHostBuilder()
        => Host.CreateDefaultBuilder()
            .UseEnvironment(Environments.Development)
            .ConfigureWebHostDefaults(web => web
                .ConfigureAppConfiguration(configuration => configuration
                    .AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")])
                    .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(TestApp.ConfigurationFlags)))
                    .AddInMemoryCollection(settings.GrowthBook.Select(kv => new KeyValuePair<string, string?>("GrowthBook:" + kv.Key, kv.Value))))
                .ConfigureServices((context, services) => TestApp.ConfigureServices(services, context.Configuration, settings))
                .Configure(TestApp.Configure));

    // The app lives in the test assembly: its content root is the output folder (views and pages are compiled in).
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
}
