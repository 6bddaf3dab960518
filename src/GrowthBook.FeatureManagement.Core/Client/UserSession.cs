using System.Runtime.CompilerServices;
using GrowthBook.FeatureManagement.StickyBucketing;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// What one client derives for one <see cref="UserContext"/> instance, computed once and kept in the client's
/// <see cref="UserSessions"/> table for as long as the context lives: the user as evaluation sees it, and the user's
/// sticky-bucket documents. The context itself stays immutable.
/// </summary>
internal sealed class UserSession
{
    /// <summary>The user with secure attributes hashed and the client's overrides merged in; null until first needed.</summary>
    public UserContext? Effective;

    /// <summary>The sticky-bucket documents as loaded (or being loaded); replaced with a compare-and-swap.</summary>
    public StickyBucketLoad? StickyBuckets;
}

/// <summary>
/// A client's <see cref="UserSession"/>s, keyed by the <see cref="UserContext"/> instance and collected with it (a
/// context usually lives for one request). Lookups take no lock.
/// </summary>
internal sealed class UserSessions
{
    private readonly ConditionalWeakTable<UserContext, UserSession> _sessions = new();

    /// <summary>The user's session, created on first use.</summary>
    public UserSession Get(UserContext user) => _sessions.GetValue(user, static _ => new UserSession());

    /// <summary>The user's session if one was created.</summary>
    public UserSession? Find(UserContext user) => _sessions.TryGetValue(user, out var session) ? session : null;
}
