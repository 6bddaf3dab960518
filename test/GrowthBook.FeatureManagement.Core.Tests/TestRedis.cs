using NUnit.Framework;
using StackExchange.Redis;

namespace GrowthBook.FeatureManagement.Tests;

/// <summary>
/// The real Redis the Redis tests run against (<c>GROWTHBOOK_TEST_REDIS=host:port</c>): unset, those tests fail with
/// instructions, unless <c>GROWTHBOOK_SKIP_REDIS_TESTS=1</c> skips them on purpose.
/// </summary>
internal static class TestRedis
{
    public const string AddressVariable = "GROWTHBOOK_TEST_REDIS";
    public const string SkipVariable = "GROWTHBOOK_SKIP_REDIS_TESTS";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ConnectionMultiplexer? _shared;

    /// <summary>The address of a Redis that answers; otherwise the test fails (or is ignored when skipping is asked for).</summary>
    public static async Task<string> RequireAsync()
    {
        var address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrWhiteSpace(address))
        {
            if (Environment.GetEnvironmentVariable(SkipVariable) == "1")
            {
                Assert.Ignore($"{SkipVariable}=1: the Redis tests are skipped on purpose.");
            }

            Assert.Fail(
                $"The Redis tests need a local redis-server and {AddressVariable}=host:port. Start one with " +
                "`apt-get install -y redis-server && redis-server --port 6390 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no` " +
                $"and run the tests with {AddressVariable}=127.0.0.1:6390 (.ci/run does all of this), " +
                $"or set {SkipVariable}=1 to skip them deliberately.");
        }

        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"{address},connectTimeout=3000,abortConnect=true");
            await connection.GetDatabase().PingAsync();
        }
        catch (RedisException e)
        {
            Assert.Fail($"{AddressVariable}={address}, but Redis does not answer there ({e.Message}). Start redis-server on that address.");
        }

        return address!;
    }

    /// <summary>One connection shared by the tests that only need a database (tests of restarts open their own).</summary>
    public static async Task<ConnectionMultiplexer> SharedAsync()
    {
        var address = await RequireAsync();
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await ConnectionMultiplexer.ConnectAsync($"{address},abortConnect=true");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Deletes every key under a prefix, to leave the shared test Redis as it was found.</summary>
    public static async Task DeleteKeysAsync(string prefix)
    {
        var connection = await SharedAsync();
        foreach (var endpoint in connection.GetEndPoints())
        {
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: prefix + "*"))
            {
                await connection.GetDatabase().KeyDeleteAsync(key);
            }
        }
    }

    /// <summary>A key prefix no other test (or test run) uses.</summary>
    public static string NewPrefix() => $"growthbook-tests:{Guid.NewGuid():N}:";
}
