// Build script: dotnet tool restore && dotnet cake --target=<Target>
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
const string Solution = "./GrowthBook.FeatureManagement.sln";

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

Task("Benchmark")
    .Does(() => DotNetRun("./test/GrowthBook.FeatureManagement.Benchmarks/GrowthBook.FeatureManagement.Benchmarks.csproj",
        new ProcessArgumentBuilder().Append("--filter").AppendQuoted("*"),
        new DotNetRunSettings { Configuration = "Release" }));

RunTarget(target);
