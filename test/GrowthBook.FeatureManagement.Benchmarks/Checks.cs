namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>The set-up checks' one way to fail: a wrong answer stops the run before anything is measured.</summary>
internal static class Checks
{
    public static void That(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException("Wrong answer: " + what + ".");
        }
    }
}
