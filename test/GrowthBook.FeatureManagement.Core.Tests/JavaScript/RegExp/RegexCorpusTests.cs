using GrowthBook.FeatureManagement.JavaScript.RegExp;
using GrowthBook.FeatureManagement.Tests.Differential;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.JavaScript.RegExp;

/// <summary>
/// The regex corpus (<c>Differential/regex-corpus.json.gz</c>, from <c>generate-regex.mjs</c>): node's answers for
/// random and directed patterns × inputs, with and without <c>i</c>, through the JS SDK's <c>$regex</c>/<c>$regexi</c>.
/// </summary>
[TestFixture]
[Category("Spec")]
public sealed class RegexCorpusTests
{
    [Test]
    public void EveryPatternAndInputGivesNodesAnswer()
    {
        var corpus = Corpus.Load("regex-corpus.json.gz");
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var c in corpus.GetProperty("cases").EnumerateArray())
        {
            var pattern = Corpus.Text(c[0]);
            var inputs = c[1].EnumerateArray().Select(Corpus.Text).ToArray();
            for (var flag = 0; flag < 2; flag++)
            {
                var expected = c[2 + flag].GetString()!;
                var regex = JsRegex.TryCreate(pattern, ignoreCase: flag == 1);
                var flags = flag == 1 ? "i" : "";
                if ((expected == "x") != (regex is null))
                {
                    mismatches.Add($"/{Corpus.Show(pattern)}/{flags}: node {(expected == "x" ? "rejects" : "accepts")} it");
                    compared += inputs.Length;
                    continue;
                }

                for (var k = 0; k < inputs.Length; k++)
                {
                    compared++;
                    var actual = regex is not null && regex.Test(inputs[k]);
                    if (expected != "x" && actual != (expected[k] == '1'))
                    {
                        mismatches.Add($"/{Corpus.Show(pattern)}/{flags} on {Corpus.Show(inputs[k])}: node {expected[k] == '1'}, here {actual}");
                    }
                }
            }
        }

        Assert.That(compared, Is.EqualTo(corpus.GetProperty("pairs").GetInt32()), "every pair of the corpus is compared");
        Corpus.Report("regex corpus", compared, mismatches);
    }
}
