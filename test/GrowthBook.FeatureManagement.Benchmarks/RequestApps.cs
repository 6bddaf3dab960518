using System.Globalization;
using System.Security.Claims;
using GrowthBook.FeatureManagement.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Microsoft.FeatureManagement.Mvc;
using Flags = GrowthBook.FeatureManagement.Benchmarks.FeatureManagementFlags;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The web apps of <see cref="RequestBenchmarks"/> and <see cref="RequestUserBenchmarks"/>, started in process on
/// <see cref="TestServer"/>: the same MVC app (one controller, <c>[FeatureGate]</c> plus four flag checks) set up as each
/// library's docs say, over the same configuration flags (<see cref="FeatureManagementFlags"/>). Production environment,
/// <c>AllowedHosts</c> set, no logging providers (so that no request writes a log line on either side). Disposing stops
/// them and deletes their Data Protection keys.
/// </summary>
internal sealed class RequestApps : IDisposable
{
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "growthbook-request-benchmark-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    public RequestApps()
    {
        Microsoft = Start<MicrosoftProductsController>(services =>
        {
            services.AddHttpContextAccessor();
            services.AddFeatureManagement().WithTargeting<ClaimsTargetingContextAccessor>();
        });
        GrowthBook = StartGrowthBook(Path.Combine(_keyFolder, "protected"), protectAnonymousId: true);
        PlainCookie = StartGrowthBook(Path.Combine(_keyFolder, "plain"), protectAnonymousId: false);
        FirstVisit = StartGrowthBook(Path.Combine(_keyFolder, "first-visit"), protectAnonymousId: true, verificationCacheSize: 0);
        WithoutFlags = Start<PlainProductsController>(_ => { });
    }

    /// <summary>
    /// Microsoft.FeatureManagement 4.7.0 alone: <c>AddFeatureManagement().WithTargeting&lt;ClaimsTargetingContextAccessor&gt;()</c>
    /// and the <see cref="IHttpContextAccessor"/> that accessor reads.
    /// </summary>
    public WebApplication Microsoft { get; }

    /// <summary>
    /// GrowthBook: <c>AddFeatureManagement().AddGrowthBook(…).WithHttpContext(…)</c> with the request payload bootstrapped,
    /// the country and role claims passed on as attributes, Data Protection keys in a folder.
    /// </summary>
    public WebApplication GrowthBook { get; }

    /// <summary>As <see cref="GrowthBook"/> with <c>ProtectAnonymousId = false</c> (not the default).</summary>
    public WebApplication PlainCookie { get; }

    /// <summary>
    /// As <see cref="GrowthBook"/> with <c>AnonymousIdVerificationCacheSize = 0</c>: every request unprotects its cookie,
    /// as a visitor's first request after the app starts (or after 10 minutes away) does under the default.
    /// </summary>
    public WebApplication FirstVisit { get; }

    /// <summary>The floor: the same app and page with no feature management at all.</summary>
    public WebApplication WithoutFlags { get; }

    /// <summary>The anonymous id cookie's value for <paramref name="id"/>, as <see cref="GrowthBook"/> writes it.</summary>
    public string ProtectAnonymousId(string id) => AnonymousIdProtector().Protect(id);

    /// <summary>The anonymous id cookie's value for <paramref name="id"/>, as <see cref="FirstVisit"/> writes it.</summary>
    public string ProtectAnonymousIdForFirstVisit(string id)
        => FirstVisit.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose).Protect(id);

    /// <summary>What <see cref="GrowthBook"/> unprotects its anonymous id cookies with.</summary>
    public IDataProtector AnonymousIdProtector()
        => GrowthBook.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose);

    /// <summary>
    /// A Data Protection provider like <see cref="GrowthBook"/>'s (same application name, keys in a folder of their own)
    /// but set to AES-256-GCM: an app's own choice, not GrowthBook's default, for what the cookie would cost under it.
    /// </summary>
    public IDataProtector AesGcmAnonymousIdProtector()
    {
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName(typeof(RequestApps).Assembly.GetName().Name!)
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(_keyFolder, "aes-gcm")))
            .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
            });
        _providers.Add(services.BuildServiceProvider());
        return _providers[^1].GetRequiredService<IDataProtectionProvider>().CreateProtector(HttpContextUserContextAccessor.AnonymousIdProtectionPurpose);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        foreach (var app in new[] { Microsoft, GrowthBook, PlainCookie, FirstVisit, WithoutFlags })
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IAsyncDisposable)app).DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (Directory.Exists(_keyFolder))
        {
            Directory.Delete(_keyFolder, recursive: true);
        }
    }

    private static WebApplication StartGrowthBook(string keyFolder, bool protectAnonymousId, int verificationCacheSize = 4096)
    {
        var payload = RequestPayload.Json();
        return Start<GrowthBookProductsController>(services =>
        {
            services.AddFeatureManagement()
                .AddGrowthBook(o => o.BootstrapPayload = payload)
                .WithHttpContext(o =>
                {
                    o.ClaimAttributes[ClaimTypes.Country] = "country";
                    o.ClaimAttributes[ClaimTypes.Role] = "roles";
                    o.ProtectAnonymousId = protectAnonymousId;
                    o.AnonymousIdVerificationCacheSize = verificationCacheSize;
                });
            services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keyFolder));
        });
    }

    private static WebApplication Start<TController>(Action<IServiceCollection> featureManagement)
        where TController : ControllerBase
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(RequestApps).Assembly.GetName().Name,
        });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["AllowedHosts"] = "localhost";
        builder.Configuration.AddInMemoryCollection(Flags.Data());
        builder.Services.AddControllers().ConfigureApplicationPartManager(parts => parts.FeatureProviders.Add(new OnlyController(typeof(TController))));
        featureManagement(builder.Services);

        var app = builder.Build();
        app.MapControllers();
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    /// <summary>Keeps one controller of this assembly, so that each app serves its own <c>/products</c>.</summary>
    private sealed class OnlyController(Type controller) : IApplicationFeatureProvider<ControllerFeature>
    {
        public void PopulateFeature(IEnumerable<ApplicationPart> parts, ControllerFeature feature)
        {
            foreach (var type in feature.Controllers.Where(t => t.AsType() != controller).ToList())
            {
                feature.Controllers.Remove(type);
            }
        }
    }
}

/// <summary>
/// What Microsoft.FeatureManagement's docs show for targeting in a web app: the user id and groups from the signed-in
/// user's claims (here the name identifier; country and role claims as groups), computed once per request.
/// </summary>
internal sealed class ClaimsTargetingContextAccessor(IHttpContextAccessor httpContextAccessor) : ITargetingContextAccessor
{
    private static readonly object ItemKey = new();

    public ValueTask<TargetingContext> GetContextAsync()
    {
        var context = httpContextAccessor.HttpContext;
        if (context is null)
        {
            return new ValueTask<TargetingContext>(new TargetingContext());
        }

        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is TargetingContext targeting)
        {
            return new ValueTask<TargetingContext>(targeting);
        }

        var user = context.User;
        var groups = new List<string>();
        foreach (var claim in user.Claims)
        {
            if (claim.Type is ClaimTypes.Country or ClaimTypes.Role)
            {
                groups.Add(claim.Value);
            }
        }

        targeting = new TargetingContext { UserId = user.FindFirst(ClaimTypes.NameIdentifier)?.Value, Groups = groups };
        context.Items[ItemKey] = targeting;
        return new ValueTask<TargetingContext>(targeting);
    }
}

/// <summary>The page without flags: the same answers, as constants.</summary>
public sealed class PlainProductsController : ControllerBase
{
    [HttpGet(RequestUsers.Path)]
    public Task<IActionResult> Index(CancellationToken cancellationToken)
        => Task.FromResult<IActionResult>(Content(string.Create(CultureInfo.InvariantCulture, $"{true}|{false}|{"1"}={"True"}|{"0"}={"red"}")));
}

/// <summary>The page both apps serve; <see cref="Answers"/> writes what the four checks gave, for the set-up checks.</summary>
public abstract class ProductsController(IVariantFeatureManager features) : ControllerBase
{
    protected async Task<IActionResult> Answers(string plain, string rollout, string variant, string button, CancellationToken cancellationToken)
    {
        var isPlain = await features.IsEnabledAsync(plain, cancellationToken);
        var isRollout = await features.IsEnabledAsync(rollout, cancellationToken);
        var variantValue = await features.GetVariantAsync(variant, cancellationToken);
        var buttonValue = await features.GetVariantAsync(button, cancellationToken);
        return Content(string.Create(CultureInfo.InvariantCulture, $"{isPlain}|{isRollout}|{variantValue?.Name}={variantValue?.Configuration?.Value}|{buttonValue?.Name}={buttonValue?.Configuration?.Value}"));
    }
}

/// <summary>The page on Microsoft.FeatureManagement's configuration flags.</summary>
public sealed class MicrosoftProductsController(IVariantFeatureManager features) : ProductsController(features)
{
    [HttpGet(RequestUsers.Path)]
    [FeatureGate(Flags.Gate)]
    public Task<IActionResult> Index(CancellationToken cancellationToken)
        => Answers(Flags.Plain, Flags.Rollout, Flags.Variant, Flags.Button, cancellationToken);
}

/// <summary>The page on GrowthBook features.</summary>
public sealed class GrowthBookProductsController(IVariantFeatureManager features) : ProductsController(features)
{
    [HttpGet(RequestUsers.Path)]
    [FeatureGate(RequestPayload.Gate)]
    public Task<IActionResult> Index(CancellationToken cancellationToken)
        => Answers(AnchorPayload.BoolFlag, RequestPayload.Rollout, AnchorPayload.ExperimentFlag, RequestPayload.Button, cancellationToken);
}
