using System.ComponentModel.DataAnnotations;

namespace GrowthBook.FeatureManagement.Validation;

/// <summary>An absolute <c>http</c> or <c>https</c> URL; null passes (add <see cref="RequiredAttribute"/> to require one).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class HttpUrlAttribute : ValidationAttribute
{
    public override bool IsValid(object? value)
        => value is null || (value is string text && Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https");
}
