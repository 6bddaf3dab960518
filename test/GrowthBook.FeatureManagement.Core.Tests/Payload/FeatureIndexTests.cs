using System.Globalization;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>
/// The payload's feature index finds every key at its position and nothing else, whichever way it indexes them: by
/// length (keys of different lengths) or by a frozen dictionary (the others).
/// </summary>
[TestFixture]
public sealed class FeatureIndexTests
{
    private static readonly string[] Misses =
    [
        "", "x", "bool-flag ", "Bool-flag", "bool-fla", "bool-flagg", "bool-flaG", "feature-00000", "feature-0000 ", "é",
        "\ud800", "feature-middle-XX-of-the-key", "exp-flag\0",
    ];

    private static IEnumerable<TestCaseData> KeySets()
    {
        yield return new TestCaseData((object)new[] { "bool-flag", "targeted-flag", "exp-flag", "many-rules-flag" }).SetName("DifferentLengths");
        yield return new TestCaseData((object)new[] { "a", "", "é", "\ud83d\ude00", "abc" }).SetName("ShortAndNonAscii");
        yield return new TestCaseData((object)Enumerable.Range(0, 1000).Select(i => "feature-" + i.ToString("D4", CultureInfo.InvariantCulture)).ToArray()).SetName("ThousandAlikeLength");
        yield return new TestCaseData((object)Enumerable.Range(0, 300).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()).SetName("Numbers");

        // The same length, first eight and last eight characters: told apart only in the middle.
        yield return new TestCaseData((object)Enumerable.Range(0, 40).Select(i => "feature-middle-" + i.ToString("D2", CultureInfo.InvariantCulture) + "-of-the-key").ToArray()).SetName("AlikeButTheMiddle");
    }

    [TestCaseSource(nameof(KeySets))]
    public void EveryKey_IsFoundAtItsPosition_AndNothingElse(string[] keys)
    {
        var index = FeatureIndex.Create(keys);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.That(index.TryGetValue(new string(keys[i].AsSpan()), out var position), Is.True, keys[i]);
                Assert.That(position, Is.EqualTo(i), keys[i]);
            }

            foreach (var miss in Misses.Where(miss => !keys.Contains(miss)))
            {
                Assert.That(index.TryGetValue(miss, out _), Is.False, miss);
                Assert.That(index.ContainsKey(miss), Is.False, miss);
            }
        });
    }

    [Test]
    public void KeysOfDifferentLengths_AreIndexedByLength_OthersByAFrozenDictionary()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FeatureIndex.Create(["bool-flag", "targeted-flag", "exp-flag", "many-rules-flag"]).IsFrozen, Is.False);
            Assert.That(FeatureIndex.Create(["a", "", "abc"]).IsFrozen, Is.False);
            Assert.That(FeatureIndex.Create(["bool-flag", "exp-flags"]).IsFrozen, Is.True, "two keys of one length");
            Assert.That(FeatureIndex.Create([new string('k', 65)]).IsFrozen, Is.True, "longer than the lengths indexed");
            Assert.That(FeatureIndex.Create([]).IsFrozen, Is.False);
        });
    }

    [Test]
    public void RandomKeys_AreFoundAsADictionaryFindsThem()
    {
        var random = new Random(20261207);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (keys.Count < 5_000)
        {
            keys.Add(new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next('a', 'e'))]));
        }

        var list = keys.ToArray();
        var index = FeatureIndex.Create(list);
        var probes = Enumerable.Range(0, 20_000).Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next('a', 'e'))]));
        Assert.Multiple(() =>
        {
            foreach (var probe in probes.Concat(list))
            {
                var expected = Array.IndexOf(list, probe);
                Assert.That(index.TryGetValue(probe, out var position) ? position : -1, Is.EqualTo(expected), probe);
            }
        });
    }

    // Keys of different lengths, out of order: four are indexed by length; seventy (some longer than 64) by a frozen dictionary.
    [TestCase(70)]
    [TestCase(4)]
    public void APayloadsFeatures_AreFoundByKey_AndListedInPayloadOrder(int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => "f" + new string('k', (i * 37) % count)).ToArray();
        var payload = GrowthBookPayload.Parse("{\"features\":{" + string.Join(",", keys.Select((key, i) => $"\"{key}\":{{\"defaultValue\":{i}}}")) + "}}");
        Assert.Multiple(() =>
        {
            Assert.That(payload.FeatureKeys, Is.EqualTo(keys));
            Assert.That(payload.FeatureKeys, Has.Count.EqualTo(count));
            for (var i = 0; i < count; i++)
            {
                Assert.That(payload.ContainsFeature(keys[i]), Is.True, keys[i]);
                Assert.That(payload.TryGetFeature(keys[i], out var feature) ? feature.Key : null, Is.EqualTo(keys[i]));
            }

            Assert.That(payload.ContainsFeature("f" + new string('k', count)), Is.False);
            Assert.That(payload.ContainsFeature("g"), Is.False);
        });
    }

    [Test]
    public void APayloadsFeatureKeys_AreInPayloadOrder_WithARepeatedKeyAtItsFirstPlace()
    {
        var payload = GrowthBookPayload.Parse("""{"features":{"zeta":{"defaultValue":1},"alpha":{"defaultValue":2},"mid":{"defaultValue":3},"alpha":{"defaultValue":4}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(payload.FeatureKeys, Is.EqualTo(new[] { "zeta", "alpha", "mid" }));
            Assert.That(payload.ContainsFeature("alpha"), Is.True);
            Assert.That(payload.ContainsFeature("beta"), Is.False);
        });
    }
}
