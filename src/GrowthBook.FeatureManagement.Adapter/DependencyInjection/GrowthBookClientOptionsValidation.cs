using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// Validates <see cref="GrowthBookClientOptions"/> when the host starts (or the options are first read): every problem
/// <see cref="GrowthBookClientOptions.Validate"/> finds — the rules the client itself enforces when built directly —
/// with the setting to change, and remote evaluation refused (docs/feature-management.md, "Remote evaluation").
/// </summary>
internal sealed class GrowthBookClientOptionsValidation : IValidateOptions<GrowthBookClientOptions>
{
    internal const string RemoteEvalRefused =
        "GrowthBook:RemoteEval is not supported through Microsoft.FeatureManagement: it would decide per user, over the network, "
        + "which names are GrowthBook features, so flags would silently fall through to configuration. Evaluate locally "
        + "(remove RemoteEval: on a server the rules never reach the visitor), or call GrowthBookClient.EvalFeatureAsync directly.";

    public ValidateOptionsResult Validate(string? name, GrowthBookClientOptions options)
    {
        var problems = new List<string>(options.Validate());
        if (options.RemoteEval)
        {
            problems.Add(RemoteEvalRefused);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
