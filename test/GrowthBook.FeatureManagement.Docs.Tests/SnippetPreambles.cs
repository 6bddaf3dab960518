namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>
/// What a docs C# block is compiled with: the standard usings, and the preambles a block can ask for with a
/// <c>&lt;!-- snippet: name, name --&gt;</c> comment before its fence. A preamble declares variables a short example
/// takes as given (they are never run: examples are only compiled). Documented in docs/contributing.md.
/// </summary>
internal static class SnippetPreambles
{
    /// <summary>
    /// The usings every block gets: those of a new ASP.NET Core project (<c>dotnet new web</c> implicit usings), plus
    /// System.Text.Json, GrowthBook.FeatureManagement and Microsoft.FeatureManagement.
    /// </summary>
    public static readonly string[] Usings =
    [
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Net.Http",
        "System.Net.Http.Json",
        "System.Threading",
        "System.Threading.Tasks",
        "System.Text.Json",
        "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
        "GrowthBook.FeatureManagement",
        "Microsoft.FeatureManagement",
    ];

    /// <summary>Preamble name → the statements it adds before the block's own code.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByName = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // An ASP.NET Core Program.cs before builder.Build().
        ["web"] = "WebApplicationBuilder builder = WebApplication.CreateBuilder(args);",
        // An ASP.NET Core Program.cs after builder.Build().
        ["app"] = "WebApplication app = WebApplication.Create(args);",
        // A service collection and configuration, as in a library's registration method.
        ["services"] = "IServiceCollection services = new ServiceCollection(); IConfiguration configuration = new ConfigurationBuilder().Build();",
        // The shared client (from DI or built by hand).
        ["client"] = "GrowthBookClient client = null!;",
        // One user's context.
        ["user"] = "UserContext user = UserContext.Anonymous;",
        // A compiled payload and payload JSON.
        ["payload"] = "GrowthBookPayload payload = GrowthBookPayload.Empty; string json = \"{}\";",
        // Client options being built up.
        ["options"] = "GrowthBookClientOptions options = new() { ClientKey = \"sdk-abc123\" };",
        // A Redis connection (StackExchange.Redis).
        ["redis"] = "StackExchange.Redis.IConnectionMultiplexer redis = null!;",
        // Microsoft.FeatureManagement's manager, as injected.
        ["featureManager"] = "IVariantFeatureManager featureManager = null!;",
        // The app's entry point, for WebApplicationFactory<Program> in a test class (a block with no statements of its own).
        ["program"] = "public partial class Program;",
        // What application code usually has at hand.
        ["io"] = "HttpClient httpClient = new(); ILoggerFactory loggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance; "
            + "ILogger logger = loggerFactory.CreateLogger(\"App\"); CancellationToken cancellationToken = CancellationToken.None;",
    };
}
