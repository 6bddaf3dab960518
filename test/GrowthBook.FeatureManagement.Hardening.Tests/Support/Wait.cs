using System.Diagnostics;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>Bounded waits: every wait in the suite has a limit and fails with what it waited for.</summary>
internal static class Wait
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? Limit;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }
}
