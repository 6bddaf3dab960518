using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>The shared test Redis (<c>GROWTHBOOK_TEST_REDIS=host:port</c>, started by .ci/run), as the client tests use it.</summary>
internal static class TestRedis
{
    public const string AddressVariable = "GROWTHBOOK_TEST_REDIS";
    public const string SkipVariable = "GROWTHBOOK_SKIP_REDIS_TESTS";

    /// <summary>The address; fails the test (or ignores it when skipping on purpose) when none is configured.</summary>
    public static string RequireAddress()
    {
        if (Environment.GetEnvironmentVariable(SkipVariable) == "1")
        {
            Assert.Ignore($"{SkipVariable}=1: the Redis scenarios are skipped on purpose.");
        }

        var address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrWhiteSpace(address))
        {
            Assert.Fail($"This scenario needs a local redis-server and {AddressVariable}=host:port (.ci/run starts one).");
        }

        return address!;
    }

    /// <summary>A new connection, as a new (or restarted) app instance opens one; keys under a prefix of its own.</summary>
    public static RedisCache Cache(string address, string instance)
        => new(Options.Create(new RedisCacheOptions { Configuration = address + ",abortConnect=false,connectTimeout=2000", InstanceName = instance }));
}
