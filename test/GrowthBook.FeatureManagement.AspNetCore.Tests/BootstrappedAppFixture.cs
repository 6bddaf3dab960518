using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>One test app on the bootstrap payload for the whole fixture, with an HTTP client to call it.</summary>
public abstract class BootstrappedAppFixture
{
    private protected TestApp.TestAppFactory App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>The client's options; cookies are handled unless a fixture says otherwise.</summary>
    protected virtual WebApplicationFactoryClientOptions ClientOptions => new();

    [OneTimeSetUp]
    public void StartApp()
    {
        App = new TestApp.TestAppFactory(TestApp.TestAppSettings.Bootstrap());
        Client = App.CreateClient(ClientOptions);
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
