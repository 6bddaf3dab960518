namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>The object value of the <c>menu</c> feature (nested objects and arrays), bound from a variant's configuration.</summary>
public sealed class MenuOptions
{
    public string Title { get; set; } = "";

    public List<MenuItem> Items { get; set; } = [];

    public string[] Tags { get; set; } = [];

    public sealed class MenuItem
    {
        public string Label { get; set; } = "";

        public string Url { get; set; } = "";
    }
}
