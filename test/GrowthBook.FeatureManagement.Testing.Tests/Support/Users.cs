namespace GrowthBook.FeatureManagement.Testing.Tests.Support;

/// <summary>The users every builder feature is evaluated for: varied attributes, and some without an id.</summary>
internal static class Users
{
    private static readonly string?[] Countries = ["US", "CA", "FR", null];
    private static readonly string[] Plans = ["free", "pro", "enterprise"];

    /// <summary>300 users: ids <c>user-0</c>… (every 17th has none), <c>company</c>, <c>country</c> (or none), <c>plan</c>, <c>age</c>, <c>beta</c>.</summary>
    public static IReadOnlyList<UserContext> Population { get; } = Enumerable.Range(0, 300).Select(Create).ToList();

    /// <summary>A user with just an id.</summary>
    public static UserContext WithId(string id) => new() { Attributes = GrowthBookAttributes.From([new("id", id)]) };

    /// <summary>A user with an id and a plan.</summary>
    public static UserContext WithPlan(string id, string plan) => new() { Attributes = GrowthBookAttributes.From([new("id", id), new("plan", plan)]) };

    private static UserContext Create(int i)
    {
        var attributes = new Dictionary<string, object?>
        {
            ["company"] = $"co-{i % 23}",
            ["plan"] = Plans[i % Plans.Length],
            ["age"] = 10 + (i % 60),
            ["beta"] = i % 5 == 0,
        };
        if (i % 17 != 0)
        {
            attributes["id"] = $"user-{i}";
        }

        if (Countries[i % Countries.Length] is { } country)
        {
            attributes["country"] = country;
        }

        return new UserContext { Attributes = GrowthBookAttributes.From(attributes) };
    }
}
