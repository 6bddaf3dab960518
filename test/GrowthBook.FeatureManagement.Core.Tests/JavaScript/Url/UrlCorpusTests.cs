using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GrowthBook.FeatureManagement.Tests.Differential;
using GrowthBook.FeatureManagement.JavaScript.Url;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.JavaScript.Url;

/// <summary>
/// The URL corpus (<c>Differential/url-corpus.json.gz</c>, from <c>generate-url.mjs</c>): node's <c>new URL(input, base)</c>
/// for every input of WPT's urltestdata.json, WPT's IDNA hosts, generated URLs and international hosts, and digests of
/// every code point as a host.
/// </summary>
[TestFixture]
[Category("Spec")]
public sealed class UrlCorpusTests
{
    private static readonly Lazy<System.Text.Json.JsonElement> Data = new(() => Corpus.Load("url-corpus.json.gz"));

    [Test]
    public void EveryUrlParsesAsNodeParsesIt()
    {
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var c in Data.Value.GetProperty("cases").EnumerateArray())
        {
            compared++;
            var input = Corpus.Text(c[0]);
            var baseText = c[1].ValueKind == System.Text.Json.JsonValueKind.Null ? null : Corpus.Text(c[1]);
            var expected = c[2].ValueKind == System.Text.Json.JsonValueKind.Null ? null : c[2].EnumerateArray().Select(Corpus.Text).ToArray();
            var actual = Parse(input, baseText);
            if (expected is null ? actual is not null : actual is null || !expected.SequenceEqual(actual))
            {
                mismatches.Add($"{Corpus.Show(input)} against {(baseText is null ? "no base" : Corpus.Show(baseText))}: node {Describe(expected)}, here {Describe(actual)}");
            }
        }

        Assert.That(Data.Value.GetProperty("wptInputs").GetInt32(), Is.GreaterThan(800), "every urltestdata.json input is in the corpus");
        Corpus.Report("URL corpus", compared, mismatches);
    }

    [Test]
    public void EveryCodePointAsAHostGivesNodesHostname()
    {
        var digests = Data.Value.GetProperty("hostDigests").EnumerateArray().Select(d => d.GetString()!).ToArray();
        var mismatches = new List<string>();
        for (var block = 0; block < digests.Length; block++)
        {
            var text = new StringBuilder();
            for (var cp = block * 4096; cp < (block + 1) * 4096; cp++)
            {
                var ch = cp is >= 0xD800 and <= 0xDFFF ? "\uFFFD" : char.ConvertFromUtf32(cp);
                text.Append(HostOf("http://" + ch + "/")).Append('\n').Append(HostOf("http://a" + ch + "b/")).Append('\n');
            }

            var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
            if (digest != digests[block])
            {
                mismatches.Add($"code points U+{block * 4096:X4}..U+{((block + 1) * 4096) - 1:X4}: hosts differ from node's");
            }
        }

        Corpus.Report("hosts of every code point (blocks of 4,096)", digests.Length, mismatches);
    }

    private static string HostOf(string input) => WhatwgUrl.Parse(input, null)?.HostName ?? "!";

    private static string[]? Parse(string input, string? baseText)
    {
        WhatwgUrl? baseUrl = null;
        if (baseText is not null && (baseUrl = WhatwgUrl.Parse(baseText, null)) is null)
        {
            return null;
        }

        var url = WhatwgUrl.Parse(input, baseUrl);
        return url is null
            ? null
            : [url.Href, url.Scheme + ":", url.HostWithPort, url.HostName ?? "", url.Port?.ToString(CultureInfo.InvariantCulture) ?? "", url.Pathname, url.Search, url.Hash];
    }

    private static string Describe(string[]? parts) => parts is null ? "fails" : "[" + string.Join(", ", parts.Select(Corpus.Show)) + "]";
}
