namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>Generated hostile JSON text (see <see cref="HostileJson"/>); a type of its own so FsCheck picks its generator.</summary>
/// <param name="Json">The JSON text.</param>
public sealed record HostilePayload(string Json)
{
    /// <inheritdoc />
    public override string ToString() => Json;
}
