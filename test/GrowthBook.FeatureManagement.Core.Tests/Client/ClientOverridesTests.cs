using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>Client-wide <c>ForcedVariations</c>, <c>QaMode</c> and <c>Enabled</c>, merged into each user's own settings.</summary>
[TestFixture]
public sealed class ClientOverridesTests
{
    // One 50/50 experiment on "id", and a plain flag for forced feature values.
    private const string Payload = """
        {"features":{
          "button":{"defaultValue":"grey","rules":[{"key":"button-exp","hashAttribute":"id","variations":["red","blue"],"weights":[0.5,0.5],"coverage":1}]},
          "banner":{"defaultValue":"off"}
        }}
        """;

    private static UserContext User(string id, IReadOnlyDictionary<string, int>? forced = null) => new()
    {
        Attributes = GrowthBookAttributes.From([new("id", id)]),
        ForcedVariations = forced,
        ForcedFeatureValues = new Dictionary<string, object?> { ["banner"] = "on" },
    };

    private static GrowthBookClient Client(Action<GrowthBookClientOptions> configure)
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = Payload };
        configure(options);
        var client = new GrowthBookClient(options);
        client.InitializeAsync().GetAwaiter().GetResult();
        return client;
    }

    [Test]
    public async Task ClientForcedVariations_ApplyToEveryUser_AndAUsersOwnWin()
    {
        await using var client = Client(o => o.ForcedVariations["button-exp"] = 1);
        var plain = User("u1");
        var ownChoice = User("u2", new Dictionary<string, int> { ["button-exp"] = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(client.GetFeatureValue("button", "", plain), Is.EqualTo("blue"));
            Assert.That(client.GetFeatureValue("button", "", plain), Is.EqualTo("blue"), "the second call, from the merged user kept on the context");
            Assert.That(client.GetFeatureValue("button", "", ownChoice), Is.EqualTo("red"), "the user's own forced variation wins");
            Assert.That(client.GetFeatureValue("banner", "", plain), Is.EqualTo("on"), "the user's forced feature values survive the merge");
            Assert.That(plain.ForcedVariations, Is.Null, "the caller's context is not changed");
        });
    }

    [Test]
    public async Task ClientQaModeAndDisabled_KeepEveryoneOutOfExperiments()
    {
        await using var qa = Client(o => o.QaMode = true);
        await using var disabled = Client(o => o.Enabled = false);
        await using var normal = Client(_ => { });
        var users = Enumerable.Range(0, 50).Select(i => User("user-" + i)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(users.Select(u => normal.EvalFeature("button", u).Source), Has.Some.EqualTo(FeatureSource.Experiment), "the experiment runs without the overrides");
            Assert.That(users.Select(u => qa.EvalFeature("button", u).GetValue("")), Is.All.EqualTo("grey"));
            Assert.That(users.Select(u => disabled.EvalFeature("button", u).GetValue("")), Is.All.EqualTo("grey"));
            Assert.That(users.Select(u => qa.EvalFeature("banner", u).GetValue("")), Is.All.EqualTo("on"));
        });
    }
}
