namespace GrowthBook.FeatureManagement;

/// <summary>Settings of the <see cref="GrowthBookIngestorPlugin"/>: where to send, and the batching of <see cref="TrackingPluginOptions"/>.</summary>
public sealed class GrowthBookIngestorOptions : TrackingPluginOptions
{
    /// <summary>The ingestor's base address. Default <c>https://us1.gb-ingest.com</c> (GrowthBook Cloud's, as in GrowthBook's JS SDK).</summary>
    public string IngestorHost { get; set; } = "https://us1.gb-ingest.com";

    /// <summary>The SDK connection's client key, sent as the <c>client_key</c> query parameter. Required. Never logged.</summary>
    public string? ClientKey { get; set; }

    /// <summary>The timeout of one request to the ingestor. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attributes never sent in <c>context_json</c> (for example personal data or secure attributes). Default none.</summary>
    public ISet<string> ExcludedAttributes { get; set; } = new HashSet<string>(StringComparer.Ordinal);
}
