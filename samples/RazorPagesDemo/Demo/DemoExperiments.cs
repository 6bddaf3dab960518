using System.Text.Json;
using GrowthBook.FeatureManagement;

namespace RazorPagesDemo.Demo;

/// <summary>Experiments defined in code and run inline with <see cref="GrowthBookClient.Run"/>, not from the payload.</summary>
public static class DemoExperiments
{
    /// <summary>The home page headline: three wordings, split evenly by the visitor's <c>id</c>.</summary>
    public static Experiment HeroHeadline { get; } = new()
    {
        Key = "hero-headline",
        Name = "Home page headline",
        Variations =
        [
            JsonSerializer.SerializeToElement("Ship features safely"),
            JsonSerializer.SerializeToElement("Release with confidence"),
            JsonSerializer.SerializeToElement("Experiment on every release"),
        ],
        HashAttribute = "id",
    };
}
