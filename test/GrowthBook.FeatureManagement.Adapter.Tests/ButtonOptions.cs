namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>The object value of the <c>button-style</c> feature, bound from a variant's configuration.</summary>
public sealed class ButtonOptions
{
    public string Color { get; set; } = "";

    public int Size { get; set; }

    public bool Rounded { get; set; }
}
