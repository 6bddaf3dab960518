using System.Reflection.PortableExecutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GrowthBook.FeatureManagement.Docs.Tests;

/// <summary>
/// Compiles a docs C# block with Roslyn, as a program of top-level statements (or as a library when it only declares
/// types), against everything this test project references: the src assemblies, ASP.NET Core, Microsoft.FeatureManagement.
/// </summary>
internal static class SnippetCompiler
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly SyntaxTree GlobalUsings = CSharpSyntaxTree.ParseText(
        string.Concat(SnippetPreambles.Usings.Select(u => $"global using {u};\n")), ParseOptions, "GlobalUsings.g.cs");

    /// <summary>The compiler errors of <paramref name="block"/>, each located in the Markdown file (<c>docs/x.md(12,5)</c>); empty when it compiles.</summary>
    public static IReadOnlyList<string> Errors(CodeBlock block)
    {
        var unknown = block.Preambles.Where(p => !SnippetPreambles.ByName.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            return [$"{block}: unknown snippet preamble(s) {string.Join(", ", unknown)}; known: {string.Join(", ", SnippetPreambles.ByName.Keys)}"];
        }

        var tree = CSharpSyntaxTree.ParseText(Source(block), ParseOptions, path: block.File, encoding: Encoding.UTF8);
        var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [GlobalUsings, tree],
            References.Value,
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
    }

    // The block's own using directives first, then the preambles (line-hidden), then the rest of the block; #line keeps
    // every diagnostic on the Markdown file's own line numbers.
    private static string Source(CodeBlock block)
    {
        var root = CSharpSyntaxTree.ParseText(block.Code, ParseOptions).GetCompilationUnitRoot();
        var split = root.Usings.Count > 0 ? root.Usings.Last().FullSpan.End : 0;
        var head = block.Code[..split];
        var tail = block.Code[split..];
        var tailLine = block.Line + head.Count(c => c == '\n');
        var source = new StringBuilder()
            .Append("#line ").Append(block.Line).Append(" \"").Append(block.File).Append("\"\n")
            .Append(head);
        if (!head.EndsWith('\n') && head.Length > 0)
        {
            source.Append('\n');
        }

        source.Append("#line hidden\n");
        foreach (var name in block.Preambles)
        {
            source.Append(SnippetPreambles.ByName[name]).Append('\n');
        }

        return source
            .Append("#line ").Append(tailLine).Append(" \"").Append(block.File).Append("\"\n")
            .Append(head.Length > 0 && !head.EndsWith('\n') ? tail.TrimStart('\r', '\n') : tail)
            .Append('\n')
            .ToString();
    }

    // The runtime's trusted platform assemblies (the shared frameworks, ASP.NET Core included, and this project's package
    // and project references) plus the assemblies in the test's output folder.
    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"));
        var byName = new Dictionary<string, MetadataReference>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            var name = Path.GetFileName(path);
            if (byName.ContainsKey(name) || name.StartsWith("GrowthBook.FeatureManagement.Docs.Tests", StringComparison.OrdinalIgnoreCase) || !IsManaged(path))
            {
                continue;
            }

            byName[name] = MetadataReference.CreateFromFile(path);
        }

        return [.. byName.Values];
    }

    private static bool IsManaged(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}
