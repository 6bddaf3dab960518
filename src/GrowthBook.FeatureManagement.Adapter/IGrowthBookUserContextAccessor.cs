namespace GrowthBook.FeatureManagement;

/// <summary>
/// Supplies the current user for evaluations that are not given one (<c>IsEnabledAsync("x")</c>, <c>[FeatureGate]</c>,
/// <c>&lt;feature&gt;</c>). The ASP.NET Core package provides one that reads the current <c>HttpContext</c>; the default
/// maps Microsoft.FeatureManagement's <c>ITargetingContextAccessor</c> when one is registered, else an anonymous user.
/// </summary>
public interface IGrowthBookUserContextAccessor
{
    /// <summary>The current user. Called on every evaluation: implementations should compute once per request and cache.</summary>
    ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default);
}
