using System.Text.Json;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>One case of the spec suite: its group, name, source file and raw JSON tuple.</summary>
public sealed record SpecCase(string Group, string Name, string File, JsonElement Tuple)
{
    public JsonElement this[int index] => Tuple[index];

    public int Length => Tuple.GetArrayLength();

    public override string ToString() => Name;
}
