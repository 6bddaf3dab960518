using System.Text.Json.Nodes;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Tests.Security;

/// <summary>
/// secureString / secureString[] hashing: SHA-256 hex of salt + value, checked against vectors computed outside .NET
/// (<c>printf '%s' "f09jq3fijuser@example.com" | sha256sum</c>), and the client's automatic hashing end to end.
/// </summary>
[TestFixture]
public sealed class SecureAttributesTests : ClientTestBase
{
    private const string Salt = "f09jq3fij"; // the seed's example salt
    private const string EmailHash = "36a101376ba2450605005f13a5ccb6e240b2b00d9a8d2d4b58b762f8a7fa5881"; // sha256("f09jq3fijuser@example.com")
    private const string PremiumHash = "33bbb41a5711980d1cc0d07d983508c76907c1536c76e974e4167e574609e93f"; // sha256("f09jq3fijpremium")
    private const string BetaHash = "666390a826219f1e421aab010bb65610a178b320fd37803767141294b9be3ee6"; // sha256("f09jq3fijbeta")

    [Test]
    public void Hash_IsLowercaseHexSha256_OfSaltThenValue()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SecureAttributes.Hash("user@example.com", Salt), Is.EqualTo(EmailHash));
            Assert.That(SecureAttributes.Hash("premium", Salt), Is.EqualTo(PremiumHash));
            Assert.That(SecureAttributes.Hash("chen€", "sälz"), Is.EqualTo("9a386cdcc7564175280a8440737412146419e0d17daa690903c01a3af218c6b6"), "UTF-8 bytes");
        });
    }

    [Test]
    public void HashAttributes_HashesNamedStringsAndStringArrays_AndLeavesTheRest()
    {
        var attributes = GrowthBookAttributes.Parse("""{"id":"u1","email":"user@example.com","tags":["premium","beta",3],"age":42}""");

        var hashed = SecureAttributes.Hash(attributes, ["email", "tags", "age", "missing"], Salt);

        Assert.Multiple(() =>
        {
            Assert.That(JsonNode.Parse(hashed.ToString())!.ToJsonString(), Is.EqualTo(
                $$"""{"id":"u1","email":"{{EmailHash}}","tags":["{{PremiumHash}}","{{BetaHash}}",3],"age":42}"""));
            Assert.That(attributes.ToString(), Does.Contain("user@example.com"), "the original attributes are not changed");
        });
    }

    [Test]
    public async Task TheClient_HashesConfiguredAttributes_SoAPayloadWithHashedConditionsMatchesPlainValues()
    {
        Secret(Salt);
        Secret("user@example.com");
        var payload = TestPayloads.WithFeatures("2024-01-01T00:00:00Z", JsonNode.Parse($$"""
            {
              "vip": { "defaultValue": false, "rules": [ { "condition": { "email": "{{EmailHash}}" }, "force": true } ] },
              "beta": { "defaultValue": false, "rules": [ { "condition": { "tags": { "$in": ["{{BetaHash}}"] } }, "force": true } ] },
              "fr": { "defaultValue": false, "rules": [ { "condition": { "country": "FR" }, "force": true } ] }
            }
            """)!);
        var hashing = Own(new GrowthBookClient(
            new GrowthBookClientOptions { BootstrapPayload = payload, SecureAttributeSalt = Salt, SecureAttributes = ["email", "tags"] },
            loggerFactory: LoggerFactory));
        var plain = Own(new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = payload }, loggerFactory: LoggerFactory));
        await hashing.InitializeAsync();
        await plain.InitializeAsync();
        var user = new UserContext
        {
            Attributes = GrowthBookAttributes.Parse("""{"id":"u1","email":"user@example.com","tags":["premium","beta"],"country":"FR"}"""),
        };

        using var scope = hashing.CreateScope(user);
        Assert.Multiple(async () =>
        {
            Assert.That(hashing.IsOn("vip", user), Is.True, "secureString");
            Assert.That(hashing.IsOn("beta", user), Is.True, "secureString[]");
            Assert.That(hashing.IsOn("fr", user), Is.True, "an attribute not listed is not hashed");
            Assert.That((await hashing.EvalFeatureAsync("vip", user)).On, Is.True);
            Assert.That(scope.IsOn("vip"), Is.True);
            Assert.That(plain.IsOn("vip", user), Is.False, "without hashing the plain value does not match the hash");
            Assert.That(plain.IsOn("beta", user), Is.False);
            Assert.That(user.Attributes.ToString(), Does.Contain("user@example.com"), "the caller's user is not changed");
        });
    }

    [Test]
    public async Task WithoutSecureAttributes_TheUserIsEvaluatedAsGiven()
    {
        var client = Own(new GrowthBookClient(new GrowthBookClientOptions { BootstrapPayload = TestPayloads.Flags("2024-01-01T00:00:00Z", ("x", true)) }));
        await client.InitializeAsync();
        var user = new UserContext { Attributes = GrowthBookAttributes.Parse("""{"email":"user@example.com"}""") };
        Assert.That(client.Effective(user), Is.SameAs(user), "no copy, no hashing");
    }

    [Test]
    public void SecureAttributes_WithoutASalt_AreRejected()
    {
        var options = new GrowthBookClientOptions { BootstrapPayload = "{}", SecureAttributes = ["email"] };
        Assert.That(options.Validate(), Has.Some.Contains("SecureAttributeSalt"));
    }
}
