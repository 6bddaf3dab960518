using System.Text.Json;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Spec;

/// <summary>
/// Loads the spec suite: the bundled <c>cases.json</c>, the differential cases generated against the reference JS SDK
/// (<c>Differential/differential-cases.json</c>, labelled "differential"; see <c>Differential/README.md</c>), plus
/// every file named in <c>GROWTHBOOK_SPEC_CASES</c> (paths joined with the OS path separator), all read through the
/// same code. A file that is named but missing or not parseable fails loudly: its source throws, and NUnit reports
/// the tests of that source as failed.
/// </summary>
public static class SpecCases
{
    public const string ExtraFilesVariable = "GROWTHBOOK_SPEC_CASES";

    /// <summary>The label (and test-name prefix) of the differential cases.</summary>
    public const string DifferentialLabel = "differential";

    private static readonly Lazy<IReadOnlyList<SpecCase>> All = new(Load);

    public static IEnumerable<TestCaseData> For(string group)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var specCase in All.Value.Where(c => c.Group == group))
        {
            var name = specCase.File == "cases.json" ? specCase.Name : $"{specCase.File}: {specCase.Name}";
            var unique = name;
            for (var i = 2; !seen.Add(unique); i++)
            {
                unique = $"{name} ({i})";
            }

            yield return new TestCaseData(specCase).SetName($"{group}: {Sanitize(unique)}");
        }
    }

    // NUnit treats parentheses and dots in names as structure; keep names readable but unambiguous.
    private static string Sanitize(string name) => name.Replace("\n", " ", StringComparison.Ordinal);

    private static IReadOnlyList<SpecCase> Load()
    {
        var cases = new List<SpecCase>();
        var bundled = Path.Combine(TestContext.CurrentContext.TestDirectory, "Spec", "cases.json");
        cases.AddRange(LoadFile(bundled, "cases.json"));

        // Checked in, so CI runs them without node; regenerated with Differential/generate.mjs.
        var differential = Path.Combine(TestContext.CurrentContext.TestDirectory, "Differential", "differential-cases.json");
        if (File.Exists(differential))
        {
            cases.AddRange(LoadFile(differential, DifferentialLabel));
        }

        var extra = Environment.GetEnvironmentVariable(ExtraFilesVariable);
        if (!string.IsNullOrWhiteSpace(extra))
        {
            foreach (var path in extra.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"{ExtraFilesVariable} names a spec case file that does not exist: {path}", path);
                }

                cases.AddRange(LoadFile(path, Path.GetFileName(path)));
            }
        }

        return cases;
    }

    private static IEnumerable<SpecCase> LoadFile(string path, string label)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 512 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Spec case file {path} is not valid JSON: {e.Message}", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Spec case file {path} must hold a JSON object of test groups.");
        }

        var result = new List<SpecCase>();
        foreach (var group in root.EnumerateObject())
        {
            if (group.Value.ValueKind != JsonValueKind.Array)
            {
                continue; // specVersion and other metadata
            }

            var index = 0;
            foreach (var tuple in group.Value.EnumerateArray())
            {
                if (tuple.ValueKind != JsonValueKind.Array || tuple.GetArrayLength() == 0)
                {
                    throw new InvalidDataException($"Spec case file {path}: case {index} of '{group.Name}' is not a non-empty array.");
                }

                // Most groups start with the case name; hash and getEqualWeights do not have one.
                var name = tuple[0].ValueKind == JsonValueKind.String && group.Name is not "hash"
                    ? tuple[0].GetString()!
                    : $"#{index} {tuple.GetRawText()}";
                result.Add(new SpecCase(group.Name, name, label, tuple));
                index++;
            }
        }

        return result;
    }
}
