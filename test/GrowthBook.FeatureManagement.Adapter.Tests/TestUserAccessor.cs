namespace GrowthBook.FeatureManagement.Adapter.Tests;

/// <summary>The "current user" of a test: whatever the test sets, flowing with the async context (an HttpContext stand-in).</summary>
internal sealed class TestUserAccessor : IGrowthBookUserContextAccessor
{
    private readonly AsyncLocal<UserContext?> _current = new();

    public UserContext Current
    {
        get => _current.Value ?? UserContext.Anonymous;
        set => _current.Value = value;
    }

    public ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
    {
        return new ValueTask<UserContext>(Current);
    }
}
