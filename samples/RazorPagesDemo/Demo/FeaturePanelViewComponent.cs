using System.Text.Encodings.Web;
using System.Text.Json;
using GrowthBook.FeatureManagement;
using Microsoft.AspNetCore.Mvc;

namespace RazorPagesDemo.Demo;

/// <summary>Lists every feature of the current payload with its value, source and rule for the current visitor.</summary>
public sealed class FeaturePanelViewComponent(GrowthBookClient client, IGrowthBookUserContextAccessor users) : ViewComponent
{
    // Values are shown as written (Razor HTML-encodes them): no \u escapes for accents.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Evaluates every feature for the current visitor.</summary>
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var user = await users.GetUserContextAsync(HttpContext.RequestAborted);
        var rows = client.Payload.FeatureKeys
            .Order(StringComparer.Ordinal)
            .Select(key => Row(key, client.EvalFeature(key, user)))
            .ToList();
        return View(rows);
    }

    private static FeatureRow Row(string key, FeatureResult result)
    {
        var value = result.Value.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(result.Value, Json);
        var variation = result.ExperimentResult is { InExperiment: true } experiment
            ? (experiment.Name is { Length: > 0 } name ? $"{experiment.Key} ({name})" : experiment.Key) + (experiment.StickyBucketUsed ? ", sticky" : "")
            : null;
        return new FeatureRow(key, value, result.On, result.Source.ToString(), result.RuleId, variation);
    }
}
