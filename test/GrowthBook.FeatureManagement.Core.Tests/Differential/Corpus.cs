using System.IO.Compression;
using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Differential;

/// <summary>Reads a corpus that a generator in this folder wrote with node (gzip-compressed JSON).</summary>
internal static class Corpus
{
    public static JsonElement Load(string fileName)
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Differential", fileName);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(gzip, new JsonDocumentOptions { MaxDepth = 256 });
        return document.RootElement.Clone();
    }

    /// <summary>Fails with the first mismatches listed, or passes printing how many cases were compared.</summary>
    public static void Report(string what, int compared, IReadOnlyList<string> mismatches)
    {
        TestContext.Out.WriteLine($"{what}: {compared} compared with node's answers, {mismatches.Count} differ");
        Assert.That(compared, Is.GreaterThan(0), what + ": nothing was compared");
        if (mismatches.Count > 0)
        {
            Assert.Fail($"{what}: {mismatches.Count} of {compared} differ from node, e.g.\n" + string.Join("\n", mismatches.Take(40)));
        }
    }

    /// <summary>
    /// A JSON string's value, lone surrogates included (node writes them as <c>\udXXX</c> escapes, which
    /// <see cref="JsonElement.GetString"/> refuses).
    /// </summary>
    public static string Text(JsonElement element)
    {
        var raw = element.GetRawText();
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw[1..^1];
        }

        var sb = new System.Text.StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            if (raw[i] != '\\')
            {
                sb.Append(raw[i]);
                continue;
            }

            var e = raw[++i];
            sb.Append(e switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' => '\b',
                'f' => '\f',
                'u' => (char)Convert.ToInt32(raw.Substring(i + 1, 4), 16),
                _ => e,
            });
            if (e == 'u')
            {
                i += 4;
            }
        }

        return sb.ToString();
    }

    /// <summary>A string with every non-printable-ASCII code unit escaped, for messages.</summary>
    public static string Show(string s)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c is >= ' ' and < '\u007F' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return sb.Append('"').ToString();
    }
}
