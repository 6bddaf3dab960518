using System.ComponentModel.DataAnnotations;
using GrowthBook.FeatureManagement.Validation;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>Settings of the <see cref="GrowthBookIngestorPlugin"/>: where to send, and the batching of <see cref="TrackingPluginOptions"/>.</summary>
public sealed class GrowthBookIngestorOptions : TrackingPluginOptions
{
    /// <summary>The ingestor's base address. Default <c>https://us1.gb-ingest.com</c> (GrowthBook Cloud's, as in GrowthBook's JS SDK).</summary>
    [Required(ErrorMessage = "GrowthBookIngestorOptions.IngestorHost must be an absolute http(s) URL.")]
    [HttpUrl(ErrorMessage = "GrowthBookIngestorOptions.IngestorHost must be an absolute http(s) URL.")]
    public string IngestorHost { get; set; } = "https://us1.gb-ingest.com";

    /// <summary>The SDK connection's client key, sent as the <c>client_key</c> query parameter. Required. Never logged.</summary>
    [Required(ErrorMessage = "GrowthBookIngestorOptions.ClientKey is required (the SDK connection's client key).")]
    public string? ClientKey { get; set; }

    /// <summary>The timeout of one request to the ingestor. Default 10 seconds.</summary>
    [TimeSpanRange(TimeSpanRangeAttribute.OneTick, ErrorMessage = "GrowthBookIngestorOptions.RequestTimeout must be positive.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attributes never sent in <c>context_json</c> (for example personal data or secure attributes). Default none.</summary>
    public ISet<string> ExcludedAttributes { get; set; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>
/// Validates <see cref="GrowthBookIngestorOptions"/>, its batching settings included (generated from the data
/// annotations, without reflection): the rules <see cref="GrowthBookIngestorPlugin"/> enforces when built. Register it
/// where the options come from DI, with <c>ValidateOnStart</c>.
/// </summary>
[OptionsValidator]
public sealed partial class GrowthBookIngestorOptionsValidator : IValidateOptions<GrowthBookIngestorOptions>;
