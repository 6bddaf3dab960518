using System.Text;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>The table the compiler shares compiled parts through: found by exact text only, across its growth and chunks.</summary>
[TestFixture]
public sealed class TextTableTests
{
    [Test]
    public void EveryKeyAdded_IsFoundByItsBytes_AndOnlyByThem()
    {
        var table = new TextTable<int>();
        var keys = Enumerable.Range(0, 5_000).Select(i => "{\"country\":{\"$in\":[\"C" + i + "\"]}}").ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(keys[i]), out _), Is.False);
            table.Add(Encoding.UTF8.GetBytes(keys[i]), i);
        }

        var big = new string('x', 200_000); // longer than any chunk: gets one of its own
        table.Add(Encoding.UTF8.GetBytes(big), -1);
        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.EqualTo(keys.Length + 1));
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(keys[i]), out var value) && value == i, Is.True, keys[i]);
            }

            Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(big), out var bigValue) && bigValue == -1, Is.True);
            Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(big[1..]), out _), Is.False);
            Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(keys[1] + " "), out _), Is.False, "a key with a byte more");
            Assert.That(table.TryGetValue(Encoding.UTF8.GetBytes(keys[1][..^1]), out _), Is.False, "a key with a byte less");
            Assert.That(table.TryGetValue(""u8, out _), Is.False);
        });
    }

    [Test]
    public void AKeyGivenAsMemory_IsKeptWithoutACopy_AndFoundByItsBytes()
    {
        var text = Encoding.UTF8.GetBytes("{\"a\":1}{\"b\":2}");
        var table = new TextTable<int>();
        table.Add(text.AsMemory(0, 7), 1);
        table.Add(text.AsMemory(7, 7), 2);
        Assert.Multiple(() =>
        {
            Assert.That(table.TryGetValue("{\"a\":1}"u8, out var a) && a == 1, Is.True);
            Assert.That(table.TryGetValue("{\"b\":2}"u8, out var b) && b == 2, Is.True);
            Assert.That(table.TryGetValue("{\"a\":1}{"u8, out _), Is.False, "only the bytes the memory covers");
        });

        // Kept, not copied: the text the key is a part of is the key (the compiler leaves its text unchanged while a table lives).
        text[5] = (byte)'9';
        Assert.That(table.TryGetValue("{\"a\":1}"u8, out _), Is.False);
    }

    [Test]
    public void AnUnusedTable_IsOneSmallObject_AndFindsNothing()
    {
        new TextTable<string>().TryGetValue("warm-up"u8, out _); // static setup and JIT outside the measurement
        var before = GC.GetAllocatedBytesForCurrentThread();
        var table = new TextTable<string>();
        var found = table.TryGetValue("abc"u8, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.False);
            Assert.That(allocated, Is.LessThan(100), "no buckets, entries or text chunk before the first key");
        });
    }

    [Test]
    public void AClearedTable_FindsNothing_KeepsItsRoom_AndLetsGoOfItsKeysAndValues()
    {
        var table = new TextTable<object>();
        var (text, value) = FillAndForget(table);
        var capacity = table.Capacity;
        table.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.Zero);
            Assert.That(table.TryGetValue("k1"u8, out _), Is.False);
            Assert.That(table.TryGetValue("{\"m\":1}"u8, out _), Is.False);
            Assert.That(table.Capacity, Is.EqualTo(capacity));
            Assert.That(text.TryGetTarget(out _), Is.False, "a key given as memory is not kept");
            Assert.That(value.TryGetTarget(out _), Is.False, "no value is kept");
        });

        // Used again, as new: copied keys start over in the kept chunk, and what they read is what was added since.
        table.Add("k1"u8, "again");
        Assert.That(table.TryGetValue("k1"u8, out var again) && (string)again == "again", Is.True);
        Assert.That(table.Count, Is.EqualTo(1));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (WeakReference<byte[]> Text, WeakReference<object> Value) FillAndForget(TextTable<object> table)
    {
        var text = Encoding.UTF8.GetBytes("{\"m\":1}");
        var value = new object();
        table.Add(text.AsMemory(), value);
        for (var i = 0; i < 100; i++)
        {
            table.Add(Encoding.UTF8.GetBytes("k" + i), value);
        }

        return (new WeakReference<byte[]>(text), new WeakReference<object>(value));
    }
}
