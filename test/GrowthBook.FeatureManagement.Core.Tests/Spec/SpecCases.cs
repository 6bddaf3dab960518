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

    /// <summary>Every group <see cref="SpecTests"/> runs; a case file with any other group fails to load.</summary>
    public static readonly IReadOnlyList<string> Groups =
    [
        "evalCondition", "hash", "getBucketRange", "chooseVariation", "getQueryStringOverride", "inNamespace",
        "getEqualWeights", "decrypt", "feature", "run", "stickyBucket", "urlRedirect", "contextualBandit",
    ];

    // Top-level members of a case file that describe it rather than hold cases.
    private static readonly HashSet<string> Metadata = new(StringComparer.Ordinal) { "specVersion", "generator", "seed", "sdk" };

    private static int _ran;

    /// <summary>How many loaded cases there are.</summary>
    public static int Loaded => All.Value.Count;

    /// <summary>How many cases have run in this process (each test counts itself through <see cref="CountRun"/>).</summary>
    public static int Ran => Volatile.Read(ref _ran);

    public static void CountRun() => Interlocked.Increment(ref _ran);

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

        // Checked in, so CI runs them without node; regenerated with Differential/generate.mjs and generate-targeting.mjs.
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Differential");
        cases.AddRange(LoadFile(Path.Combine(folder, "differential-cases.json"), DifferentialLabel));
        cases.AddRange(LoadFile(Path.Combine(folder, "targeting-cases.json"), DifferentialLabel + "-targeting"));

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
                if (!Metadata.Contains(group.Name) || group.Value.ValueKind is JsonValueKind.Object)
                {
                    throw new InvalidDataException($"Spec case file {path}: '{group.Name}' is neither a group of cases nor known metadata ({string.Join(", ", Metadata)}).");
                }

                continue;
            }

            if (!Groups.Contains(group.Name))
            {
                throw new InvalidDataException($"Spec case file {path}: group '{group.Name}' is not one the spec tests run ({string.Join(", ", Groups)}).");
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
