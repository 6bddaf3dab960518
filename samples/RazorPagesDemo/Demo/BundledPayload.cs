using GrowthBook.FeatureManagement;

namespace RazorPagesDemo.Demo;

/// <summary>
/// Makes the demo run with no account and no network: a relative <c>GrowthBook:BootstrapFile</c> is found next to the
/// project (where <c>dotnet run</c> and editors see it) or in the output folder, and watched for live reload; when no such
/// file exists, the copy of <c>features.json</c> embedded in the assembly is served instead.
/// </summary>
public static class BundledPayload
{
    private const string ResourceName = "RazorPagesDemo.features.json";

    /// <summary>Resolves the bootstrap file as described on <see cref="BundledPayload"/> (an extension of the GrowthBook builder, as a package would add one).</summary>
    public static IGrowthBookBuilder WithBundledPayload(this IGrowthBookBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GrowthBookClientOptions>().PostConfigure<IHostEnvironment>((options, environment) =>
        {
            if (string.IsNullOrWhiteSpace(options.BootstrapFile))
            {
                options.BootstrapFile = null; // "BootstrapFile": "" in appsettings turns the file off
                return;
            }

            var file = options.BootstrapFile;
            var found = new[] { file, Path.Combine(environment.ContentRootPath, file), Path.Combine(AppContext.BaseDirectory, file) }
                .Where(Path.IsPathFullyQualified)
                .FirstOrDefault(File.Exists);
            if (found is not null)
            {
                options.BootstrapFile = found;
                return;
            }

            options.BootstrapFile = null;
            options.BootstrapPayload ??= ReadEmbedded();
        });
        return builder;
    }

    /// <summary>The payload embedded in the demo's assembly.</summary>
    public static string ReadEmbedded()
    {
        using var stream = typeof(BundledPayload).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
