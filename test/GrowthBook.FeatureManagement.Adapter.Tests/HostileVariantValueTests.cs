using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>Regressions found by the hardening suite: feature values that crashed or failed variant mapping.</summary>
[TestFixture]
public sealed class HostileVariantValueTests
{
    [Test]
    public void ValueNestedDeeperThanTheEngineCuts_IsCutInsteadOfOverflowingTheStack()
    {
        using var document = JsonDocument.Parse(new string('[', 90_000) + "1" + new string(']', 90_000), new JsonDocumentOptions { MaxDepth = 100_000 });
        var element = document.RootElement;
        Microsoft.Extensions.Configuration.IConfigurationSection? section = null;
        var thread = new Thread(() => section = VariantMapper.Build(element), maxStackSize: 256 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(section, Is.Not.Null);
    }

    [Test]
    public void LoneSurrogatesInNamesAndStrings_AreKept()
    {
        using var document = JsonDocument.Parse("""{"\ud800":"\udc00x","ok":1}""");
        var section = VariantMapper.Build(document.RootElement);
        Assert.Multiple(() =>
        {
            Assert.That(section["\ud800"], Is.EqualTo("\udc00x"));
            Assert.That(section["ok"], Is.EqualTo("1"));
        });
    }
}
