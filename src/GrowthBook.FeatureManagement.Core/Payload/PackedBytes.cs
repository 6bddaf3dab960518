using System.Buffers.Binary;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// Short UTF-8 names as numbers, so that a known name (a member, an operator) is recognised by comparing one or two
/// numbers rather than byte by byte.
/// </summary>
internal static class PackedBytes
{
    /// <summary>The first eight bytes as a number, the first in the lowest byte (zeros past a shorter name's end).</summary>
    public static ulong Head(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }

        var packed = 0UL;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            packed = (packed << 8) | bytes[i];
        }

        return packed;
    }

    /// <summary>The last eight bytes as a number (a shorter name's <see cref="Head"/>).</summary>
    public static ulong Tail(ReadOnlySpan<byte> bytes)
        => bytes.Length >= sizeof(ulong) ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[^sizeof(ulong)..]) : Head(bytes);
}
