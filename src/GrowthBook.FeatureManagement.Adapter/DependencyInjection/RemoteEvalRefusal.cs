using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>
/// The one rule the adapter adds to the client's own (<see cref="GrowthBookClientOptionsValidator"/>, registered beside
/// it): remote evaluation is refused (docs/feature-management.md, "Remote evaluation").
/// </summary>
internal sealed class RemoteEvalRefusal : IValidateOptions<GrowthBookClientOptions>
{
    internal const string Message =
        "GrowthBook:RemoteEval is not supported through Microsoft.FeatureManagement: it would decide per user, over the network, "
        + "which names are GrowthBook features, so flags would silently fall through to configuration. Evaluate locally "
        + "(remove RemoteEval: on a server the rules never reach the visitor), or call GrowthBookClient.EvalFeatureAsync directly.";

    public ValidateOptionsResult Validate(string? name, GrowthBookClientOptions options)
        => options.RemoteEval ? ValidateOptionsResult.Fail(Message) : ValidateOptionsResult.Success;
}
