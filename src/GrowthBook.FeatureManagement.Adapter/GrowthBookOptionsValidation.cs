using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>Validates <see cref="GrowthBookClientOptions"/> at start: every problem, with the setting to change.</summary>
internal sealed class GrowthBookOptionsValidation : IValidateOptions<GrowthBookClientOptions>
{
    public ValidateOptionsResult Validate(string? name, GrowthBookClientOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
