using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>Microsoft.FeatureManagement's own accessor, as an app without the ASP.NET Core package would register it.</summary>
internal sealed class TestTargetingContextAccessor : ITargetingContextAccessor
{
    public TargetingContext? Current { get; set; }

    public ValueTask<TargetingContext> GetContextAsync() => new(Current!);
}
