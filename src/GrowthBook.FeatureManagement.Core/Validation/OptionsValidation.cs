using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement.Validation;

/// <summary>Runs a generated options validator where options arrive without DI (constructors, registration-time options).</summary>
internal static class OptionsValidation
{
    /// <summary>The problems the validator finds, each naming the member; empty when valid.</summary>
    public static IReadOnlyList<string> Problems<TOptions>(IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
        => validator.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures } ? [.. failures] : [];

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem (values are never repeated).</exception>
    public static void ThrowIfInvalid<TOptions>(IValidateOptions<TOptions> validator, TOptions options, string paramName)
        where TOptions : class
    {
        if (Problems(validator, options) is { Count: > 0 } problems)
        {
            throw new ArgumentException($"Invalid {typeof(TOptions).Name}: {string.Join(" ", problems)}", paramName);
        }
    }
}
