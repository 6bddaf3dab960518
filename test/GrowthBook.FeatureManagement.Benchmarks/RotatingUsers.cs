using Microsoft.FeatureManagement.FeatureFilters;

namespace GrowthBook.FeatureManagement.Benchmarks;

/// <summary>
/// The current user for both sides of <see cref="FeatureManagementBenchmarks"/>: each call returns the next of
/// <see cref="AnchorPayload.UserCount"/> prebuilt users (an increment and a mask, no allocation), as a request-scoped
/// accessor that computed its user once would. User N is <c>user-N</c> to Microsoft.FeatureManagement (group <c>US</c>)
/// and to GrowthBook (<c>{"id": "user-N", "country": "US", "age": 30, "plan": "free"}</c>).
/// </summary>
internal sealed class RotatingUsers : ITargetingContextAccessor, IGrowthBookUserContextAccessor
{
    private const int Mask = AnchorPayload.UserCount - 1;

    private readonly TargetingContext[] _targeting;
    private readonly UserContext[] _users;
    private int _next;

    public RotatingUsers()
    {
        _users = AnchorPayload.CreateUsers();
        _targeting = new TargetingContext[_users.Length];
        for (var i = 0; i < _targeting.Length; i++)
        {
            _targeting[i] = new TargetingContext { UserId = UserId(i), Groups = ["US"] };
        }
    }

    /// <summary>The targeting contexts, by user index.</summary>
    public IReadOnlyList<TargetingContext> Targeting => _targeting;

    /// <summary>The index of the user the next call returns; settable so checks can line both sides up.</summary>
    public int Next
    {
        get => _next;
        set => _next = value & Mask;
    }

    private int Take()
    {
        var index = _next;
        _next = (index + 1) & Mask;
        return index;
    }

    public static string UserId(int index) => "user-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ValueTask<TargetingContext> GetContextAsync() => new(_targeting[Take()]);

    public ValueTask<UserContext> GetUserContextAsync(CancellationToken cancellationToken = default) => new(_users[Take()]);
}
