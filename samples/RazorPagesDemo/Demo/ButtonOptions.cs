namespace RazorPagesDemo.Demo;

/// <summary>The checkout button, bound from the <c>checkout-button</c> feature's variant configuration.</summary>
public sealed class ButtonOptions
{
    /// <summary>The button's background colour (a CSS colour).</summary>
    public string Color { get; set; } = "#6b7280";

    /// <summary>The button's label.</summary>
    public string Text { get; set; } = "Buy now";
}
