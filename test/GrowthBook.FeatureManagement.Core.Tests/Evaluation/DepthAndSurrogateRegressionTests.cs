using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Evaluation;

/// <summary>Regressions found by the hardening suite: inputs that crashed the process or escaped Parse undocumented.</summary>
[TestFixture]
public sealed class DepthAndSurrogateRegressionTests
{
    [Test]
    public void PrerequisiteChainLongerThanTheLimit_IsTreatedAsACycleInsteadOfOverflowingTheStack()
    {
        var features = new StringBuilder("{");
        const int length = 20_000;
        for (var i = 0; i < length; i++)
        {
            features.Append(i == 0 ? "" : ",").Append("\"f").Append(i).Append("\":{\"defaultValue\":true");
            if (i + 1 < length)
            {
                features.Append(",\"rules\":[{\"parentConditions\":[{\"id\":\"f").Append(i + 1).Append("\",\"condition\":{\"value\":true},\"gate\":true}]}]");
            }

            features.Append('}');
        }

        var payload = GrowthBookPayload.Parse("{\"features\":" + features.Append('}') + "}");
        FeatureResult? result = null;
        var thread = new Thread(() => result = new GrowthBookScope(payload).EvalFeature("f0"), maxStackSize: 256 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(result!.Source, Is.EqualTo(FeatureSource.CyclicPrerequisite));

        // A chain within the limit still evaluates to its real value.
        Assert.That(new GrowthBookScope(payload).EvalFeature($"f{length - 10}").Source, Is.EqualTo(FeatureSource.DefaultValue));
    }

    [Test]
    public void SavedGroupReferenceChainLongerThanTheLimit_IsFalseInsteadOfOverflowingTheStack()
    {
        var groups = new StringBuilder("{");
        const int length = 20_000;
        for (var i = 0; i < length; i++)
        {
            var next = i + 1 < length ? "{\"$savedGroup\":{\"id\":\"g" + (i + 1) + "\"}}" : "{\"id\":\"u\"}";
            groups.Append(i == 0 ? "" : ",").Append("\"g").Append(i).Append("\":{\"type\":\"condition\",\"condition\":").Append(next).Append('}');
        }

        var rule = "{\"defaultValue\":\"off\",\"rules\":[{\"condition\":{\"$savedGroup\":{\"id\":\"GROUP\"}},\"force\":\"on\"}]}";
        var payload = GrowthBookPayload.Parse("{\"features\":{\"f\":" + rule.Replace("GROUP", "g0", StringComparison.Ordinal) + ",\"near\":" + rule.Replace("GROUP", "g" + (length - 3), StringComparison.Ordinal) + "},\"savedGroups\":" + groups.Append('}') + "}");
        var user = new UserContext { Attributes = GrowthBookAttributes.Parse("""{"id":"u"}""") };
        string? value = null;
        var thread = new Thread(() => value = new GrowthBookScope(payload, user).GetFeatureValue("f", ""), maxStackSize: 256 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo("off"));
            Assert.That(new GrowthBookScope(payload, user).GetFeatureValue("near", ""), Is.EqualTo("on"), "a short chain still resolves");
        });
    }

    [Test]
    public void LoneSurrogateFeatureKeyAndDateUpdated_AreRead()
    {
        var payload = GrowthBookPayload.Parse("""{"features":{"\ud800":{"defaultValue":1}},"dateUpdated":"\udc00"}""");
        Assert.Multiple(() =>
        {
            Assert.That(new GrowthBookScope(payload).GetFeatureValue("\ud800", 0), Is.EqualTo(1));
            Assert.That(payload.DateUpdated, Is.EqualTo("\udc00"));
        });
    }

    [Test]
    public void LoneSurrogatePropertyNamesInsideAFeature_AreReadAsJsonParseReadsThem()
    {
        // JSON.parse keeps "\ud800" as a key: an unknown member of the feature is ignored, and a condition on an
        // attribute of that name tests that attribute.
        var payload = GrowthBookPayload.Parse("""{"features":{"f":{"\ud800":1,"defaultValue":1,"rules":[{"condition":{"\ud800":"x"},"force":2}]}}}""");
        var matching = new UserContext { Attributes = GrowthBookAttributes.Parse("""{"\ud800":"x"}""") };
        Assert.Multiple(() =>
        {
            Assert.That(payload.Warnings, Is.Empty);
            Assert.That(new GrowthBookScope(payload).GetFeatureValue("f", 0), Is.EqualTo(1));
            Assert.That(new GrowthBookScope(payload, matching).GetFeatureValue("f", 0), Is.EqualTo(2));
        });
    }
}
