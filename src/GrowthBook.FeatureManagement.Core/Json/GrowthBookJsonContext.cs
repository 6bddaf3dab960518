using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GrowthBook.FeatureManagement.Json;

/// <summary>
/// System.Text.Json metadata, generated at build time, for the types the library serialises itself: no reflection, so
/// the same code runs trimmed and under Native AOT (docs/native-aot.md). Default options, as the reflection-based
/// serializer used before, so feature-cache entries written by earlier versions still read.
/// </summary>
[JsonSerializable(typeof(CachedFeatures))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class GrowthBookJsonContext : JsonSerializerContext;
