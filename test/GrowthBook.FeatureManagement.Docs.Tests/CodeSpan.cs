namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>An inline code span of a Markdown file: its 1-based line and its text, without the backticks.</summary>
internal readonly record struct CodeSpan(int Line, string Text);
