using System.Text;
using System.Text.Json;
using GrowthBook.FeatureManagement.Payload;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Payload;

/// <summary>Every member the compiler reads is recognised by its name as the token stream gives it, escaped or not; nothing else is.</summary>
[TestFixture]
public sealed class MemberNamesTests
{
    [Test]
    public void EveryMember_IsIdentifiedByItsName_PlainOrEscaped()
    {
        Assert.Multiple(() =>
        {
            foreach (var member in Enum.GetValues<Member>())
            {
                var name = MemberNames.Of(member);
                Assert.That(Identify("\"" + name + "\""), Is.EqualTo(member), name);
                var escaped = string.Concat(name.Select(c => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(Identify("\"" + escaped + "\""), Is.EqualTo(member), escaped);
            }
        });
    }

    [Test]
    public void EveryMember_HasABitOfItsOwnInAMemberSet()
    {
        var all = default(MemberSet);
        foreach (var member in Enum.GetValues<Member>())
        {
            Assert.That(all.Contains(member), Is.False, $"{member} shares a bit with a member before it");
            all = all.With(member);
            Assert.That(all.Contains(member), Is.True);
        }

        Assert.That(MemberNames.Count, Is.LessThanOrEqualTo(64));
    }

    // Names are compared by their first and last eight bytes, and whole when longer than sixteen: a change anywhere,
    // the middle of the longest names included, makes another name.
    [Test]
    public void EveryMembersName_WithAnyOneCharacterChanged_IsNoMember()
    {
        var names = Enum.GetValues<Member>().Select(MemberNames.Of).ToHashSet(StringComparer.Ordinal);
        var changed = 0;
        Assert.Multiple(() =>
        {
            foreach (var name in names)
            {
                for (var i = 0; i < name.Length; i++)
                {
                    var chars = name.ToCharArray();
                    chars[i] = chars[i] == 'q' ? 'z' : 'q';
                    var other = new string(chars);
                    if (!names.Contains(other))
                    {
                        changed++;
                        Assert.That(Identify("\"" + other + "\""), Is.Null, other);
                    }
                }
            }
        });

        Assert.That(changed, Is.EqualTo(names.Sum(name => name.Length)), "every change made a name that is no member's");
    }

    [TestCase("\"Id\"")]
    [TestCase("\"ids\"")]
    [TestCase("\"\"")]
    [TestCase("\"force\\u0000\"")]
    [TestCase("\"\\ud800force\"")]
    [TestCase("\"disableStickyBucketingX\"")]
    [TestCase("\"\u00e9\"")]
    public void OtherNames_AreNotMembers(string json) => Assert.That(Identify(json), Is.Null);

    private static Member? Identify(string propertyName)
    {
        var reader = new PayloadReader(Encoding.UTF8.GetBytes("{" + propertyName + ":1}"));
        reader.Read();
        reader.Read();
        return MemberNames.TryIdentify(ref reader, out var member) ? member : null;
    }
}
