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

    /// <summary>How many times the user was asked for.</summary>
    public int Calls { get; private set; }

    public ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default)
    {
        Calls++;
        return new ValueTask<UserContext>(Current);
    }
}
