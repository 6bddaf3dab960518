using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GrowthBook.FeatureManagement;

/// <summary>Which definition wins when GrowthBook and configuration both define a feature of the same name.</summary>
public enum FeaturePrecedence
{
    /// <summary>The GrowthBook feature wins (default): moving a flag into GrowthBook takes it over.</summary>
    GrowthBook,

    /// <summary>The configuration flag wins: configuration can pin a flag locally.</summary>
    Configuration,
}

/// <summary>How GrowthBook is served through Microsoft.FeatureManagement. Bound from the same section as <see cref="GrowthBookClientOptions"/>; validated at start.</summary>
public sealed class GrowthBookFeatureManagementOptions
{
    /// <summary>Which definition wins on a name clash. Default <see cref="FeaturePrecedence.GrowthBook"/>.</summary>
    [EnumDataType(typeof(FeaturePrecedence), ErrorMessage = "GrowthBook:Precedence must be GrowthBook or Configuration.")]
    public FeaturePrecedence Precedence { get; set; } = FeaturePrecedence.GrowthBook;

    /// <summary>The variant name for a value from a feature's default. Default <c>default</c>.</summary>
    [Required(ErrorMessage = "GrowthBook:DefaultVariantName must not be empty.")]
    public string DefaultVariantName { get; set; } = "default";

    /// <summary>The variant name for a value from a force rule without an id. Default <c>force</c>.</summary>
    [Required(ErrorMessage = "GrowthBook:ForceVariantName must not be empty.")]
    public string ForceVariantName { get; set; } = "force";
}

/// <summary>The generated validator of <see cref="GrowthBookFeatureManagementOptions"/>' data annotations.</summary>
[OptionsValidator]
internal sealed partial class GrowthBookFeatureManagementOptionsValidator : IValidateOptions<GrowthBookFeatureManagementOptions>;
