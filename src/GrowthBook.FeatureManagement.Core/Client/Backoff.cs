namespace GrowthBook.FeatureManagement.Client;

/// <summary>Capped exponential backoff with jitter: <c>min(base · 2^(attempt−1) · (1 + random), cap)</c>.</summary>
internal static class Backoff
{
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    public static TimeSpan Delay(TimeSpan baseDelay, int attempt, TimeSpan? cap = null)
    {
        var limit = cap ?? Cap;
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var ms = baseDelay.TotalMilliseconds * Math.Pow(2, exponent) * (1 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(ms, limit.TotalMilliseconds));
    }
}
