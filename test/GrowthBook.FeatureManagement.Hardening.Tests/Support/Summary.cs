using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>Collects one row per scenario from every hardening test, for the table printed at the end of the category.</summary>
internal static class Summary
{
    private static readonly ConcurrentQueue<SummaryRow> Rows = new();

    public static IReadOnlyList<SummaryRow> All => [.. Rows];

    public static void Record(string scenario, long iterations, long failures, string figure, TimeSpan elapsed)
        => Rows.Enqueue(new SummaryRow(scenario, iterations, failures, figure, elapsed));

    /// <summary>Runs <paramref name="scenario"/>, timing it, and records its row even when it fails (failures then count 1 more).</summary>
    public static async Task RunAsync(string name, Func<ScenarioCounter, Task> scenario)
    {
        var counter = new ScenarioCounter();
        var watch = Stopwatch.StartNew();
        var failed = false;
        try
        {
            await scenario(counter).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Record(name, counter.Iterations, counter.Failures + (failed && counter.Failures == 0 ? 1 : 0), counter.Figure, watch.Elapsed);
        }
    }

    /// <summary>The table as Markdown.</summary>
    public static string ToMarkdown(TimeSpan total)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| scenario | inputs / iterations | failures | figure | time |");
        sb.AppendLine("| --- | ---: | ---: | --- | ---: |");
        foreach (var row in Rows.OrderBy(r => r.Scenario, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Iterations:N0} | {row.Failures:N0} | {row.Figure} | {row.Elapsed.TotalSeconds:0.0} s |").AppendLine();
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nCategory time: {total.TotalSeconds:0.0} s").AppendLine();
        return sb.ToString();
    }
}
