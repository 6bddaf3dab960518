// Build script: dotnet tool restore && dotnet cake --target=<Target>
// Targets: Clean, Restore, Build, Test (default), Pack, Benchmark, Docs. See docs/contributing.md.
using System.IO.Compression;
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
const string Solution = "./GrowthBook.FeatureManagement.sln";
var packages = Directory("./artifacts/packages");

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./src/**/bin");
    CleanDirectories("./src/**/obj");
    CleanDirectories("./test/**/bin");
    CleanDirectories("./test/**/obj");
    CleanDirectory("./artifacts");
});

Task("Restore")
    .Does(() => DotNetRestore(Solution));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(Solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true }));

// The README's test command.
Task("Test")
    .IsDependentOn("Build")
    .Does(() => DotNetTest(Solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true, NoRestore = true }));

// Every src project packed into artifacts/packages, then each package checked: README, licence expression, XML docs
// for both target frameworks, a symbols package.
Task("Pack")
    .IsDependentOn("Restore")
    .Does(() =>
{
    CleanDirectory(packages);
    var projects = GetFiles("./src/*/*.csproj");
    foreach (var project in projects)
    {
        DotNetPack(project.FullPath, new DotNetPackSettings { Configuration = configuration, NoRestore = true, OutputDirectory = packages });
    }

    var problems = new List<string>();
    foreach (var project in projects)
    {
        var id = project.GetFilenameWithoutExtension().ToString();
        var built = GetFiles($"{packages.Path.FullPath}/{id}.*nupkg")
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(f.GetFilename().ToString(), $@"^{System.Text.RegularExpressions.Regex.Escape(id)}\.\d"))
            .ToList();
        var package = built.FirstOrDefault(f => f.GetExtension() == ".nupkg");
        problems.AddRange(CheckPackage(package?.FullPath, id).Select(p => $"{id}: {p}"));
        if (!built.Any(f => f.GetExtension() == ".snupkg"))
        {
            problems.Add($"{id}: no symbols package (.snupkg)");
        }
    }

    if (problems.Count > 0)
    {
        throw new CakeException("Package check failed:\n  " + string.Join("\n  ", problems));
    }

    Information($"{projects.Count} packages in {packages.Path.FullPath}, each with README.md, the MIT licence expression and XML docs for net8.0 and net10.0.");
});

// The documentation: every C# block in README.md and docs/ compiles, every relative link resolves (docs/contributing.md).
Task("Docs")
    .IsDependentOn("Restore")
    .Does(() => DotNetTest("./test/GrowthBook.FeatureManagement.Docs.Tests/GrowthBook.FeatureManagement.Docs.Tests.csproj",
        new DotNetTestSettings { Configuration = configuration, NoRestore = true }));

Task("Benchmark")
    .Does(() => DotNetRun("./test/GrowthBook.FeatureManagement.Benchmarks/GrowthBook.FeatureManagement.Benchmarks.csproj",
        new ProcessArgumentBuilder().Append("--filter").AppendQuoted("*"),
        new DotNetRunSettings { Configuration = "Release" }));

RunTarget(target);

// What a package must hold; returns the problems found.
static IEnumerable<string> CheckPackage(string path, string id)
{
    if (path is null)
    {
        yield return "package not found";
        yield break;
    }

    using var zip = ZipFile.OpenRead(path);
    var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
    foreach (var required in new[] { "README.md", $"lib/net8.0/{id}.dll", $"lib/net8.0/{id}.xml", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml" })
    {
        if (!entries.Contains(required))
        {
            yield return "missing " + required;
        }
    }

    var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec"));
    XDocument nuspec;
    using (var stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }

    var metadata = nuspec.Root.Elements().Single(e => e.Name.LocalName == "metadata");
    string Value(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    var license = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "license");
    if (license?.Attribute("type")?.Value != "expression" || license.Value != "MIT")
    {
        yield return "licence is not the MIT expression";
    }

    if (Value("readme") != "README.md")
    {
        yield return "readme is not README.md";
    }

    if (string.IsNullOrWhiteSpace(Value("description")) || string.IsNullOrWhiteSpace(Value("tags")))
    {
        yield return "description or tags missing";
    }
}
