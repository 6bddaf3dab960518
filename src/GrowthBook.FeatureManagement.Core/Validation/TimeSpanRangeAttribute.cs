using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace GrowthBook.FeatureManagement.Validation;

/// <summary>
/// A <see cref="TimeSpan"/> within inclusive bounds; null passes. <see cref="RangeAttribute"/> would do the same for any
/// type, but reaches its type's converter by reflection (not trim or AOT safe); this one parses its bounds once, with the
/// invariant culture.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeSpanRangeAttribute(string minimum, string maximum = TimeSpanRangeAttribute.Unbounded) : ValidationAttribute
{
    /// <summary>The smallest positive duration, as a lower bound: "must be positive".</summary>
    public const string OneTick = "00:00:00.0000001";

    /// <summary>No upper bound (<see cref="TimeSpan.MaxValue"/>).</summary>
    public const string Unbounded = "10675199.02:48:05.4775807";

    public TimeSpan Minimum { get; } = TimeSpan.ParseExact(minimum, "c", CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.ParseExact(maximum, "c", CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan duration || (duration >= Minimum && duration <= Maximum);
}
