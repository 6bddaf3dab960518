using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Evaluation;

/// <summary>A URL-redirect experiment the user was put in, and the URL to send them to.</summary>
internal sealed record UrlRedirect(Experiment Experiment, ExperimentResult Result, string RedirectUrl);

/// <summary>
/// The auto-experiment redirect flow (docs/engine.md, "URL targeting"; JS <c>_updateAllAutoExperiments</c>): experiments run in
/// payload order, and the first redirect experiment the user is in decides the redirect.
/// </summary>
internal static class UrlRedirects
{
    /// <summary>Runs the payload's redirect experiments; returns each tracked exposure with the final redirect URL ("" when none).</summary>
    public static IReadOnlyList<UrlRedirect> Evaluate(GrowthBookPayload payload, UserContext user)
    {
        var tracked = new Collector();
        var ctx = new EvaluationContext(payload, user, sticky: null, tracked);
        var redirectedUrl = "";
        foreach (var exp in payload.AutoExperiments)
        {
            if (!IsRedirectExperiment(exp))
            {
                continue; // visual changes have no meaning on a server
            }

            var result = Evaluator.RunExperiment(ctx, exp, featureId: null);
            if (!result.InExperiment)
            {
                continue;
            }

            var target = result.RawValue.Js.Type == JsType.Object ? result.RawValue.Js.ObjectValue["urlRedirect"] : JsValue.Null;
            if (target.IsTruthy)
            {
                var url = exp.PersistQueryString ? UrlTargeting.MergeQueryStrings(user.Url ?? "", target.ToJsString()) : target.ToJsString();
                if (!exp.UrlTargeter!.IsTargeted(url))
                {
                    redirectedUrl = url;
                }
            }

            break; // once in a redirect experiment, no further experiments run
        }

        return tracked.Items.Select(t => new UrlRedirect(t.Experiment, t.Result, redirectedUrl)).ToArray();
    }

    // getAutoExperimentChangeType: URL patterns, and some variation object with a urlRedirect key.
    private static bool IsRedirectExperiment(ExperimentDefinition exp)
        => exp.UrlTargeter is not null && exp.Variations.Any(v => v.Js.Type == JsType.Object && v.Js.ObjectValue.ContainsKey("urlRedirect"));

    private sealed class Collector : IEvaluationObserver
    {
        public List<(Experiment Experiment, ExperimentResult Result)> Items { get; } = [];

        public void OnExperimentViewed(Experiment experiment, ExperimentResult result) => Items.Add((experiment, result));

        public void OnFeatureUsage(string key, FeatureResult result)
        {
        }
    }
}
