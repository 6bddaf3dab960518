using System.Runtime.CompilerServices;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>The compiler's scratch list: emptied without clearing between rules, cleared of every reference with the scratch.</summary>
[TestFixture]
public sealed class ScratchListTests
{
    [Test]
    public void Add_Truncate_AndIndexOf_ActAsAList()
    {
        var list = new ScratchList<string>();
        foreach (var item in new[] { "a", "b", "c", "d", "e", "f" })
        {
            list.Add(item); // past the first capacity of four
        }

        Assert.Multiple(() =>
        {
            Assert.That(list.AsSpan().ToArray(), Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }));
            Assert.That(list.IndexOf(new string('c', 1)), Is.EqualTo(2), "compared by value");
            Assert.That(list.IndexOf("c", start: 3), Is.EqualTo(-1));
            Assert.That(list[5], Is.EqualTo("f"));
        });

        list.Truncate(2);
        list.Add("x");
        Assert.Multiple(() =>
        {
            Assert.That(list.AsSpan().ToArray(), Is.EqualTo(new[] { "a", "b", "x" }));
            Assert.That(list.IndexOf("d"), Is.EqualTo(-1), "an item past the count is not found");
            Assert.That(() => list[3], Throws.InstanceOf<ArgumentOutOfRangeException>());
        });

        list.Truncate();
        Assert.That(list.Count, Is.Zero);
    }

    [Test]
    public void Clear_LetsGoOfItemsTruncatedBefore()
    {
        var list = new ScratchList<object>();
        var kept = Fill(list);
        list.Truncate();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(IsAlive(kept), Is.True, "truncating keeps the reference until the scratch is cleared");

        list.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(IsAlive(kept), Is.False);
    }

    // In a frame of its own, so the target it takes is not left on the test's stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAlive(WeakReference<object> reference) => reference.TryGetTarget(out _);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<object> Fill(ScratchList<object> list)
    {
        var item = new object();
        for (var i = 0; i < 6; i++)
        {
            list.Add(i == 5 ? item : new object());
        }

        return new WeakReference<object>(item);
    }
}
