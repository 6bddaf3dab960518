using System.Net;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>A visitor of the test app: signed in as <see cref="Id"/> (when set) with a country claim, roles and a plan header.</summary>
internal sealed record TestUser(string? Id = null, string? Country = null, string? Plan = null, string? Roles = null)
{
    public static readonly TestUser Anonymous = new();
    public static readonly TestUser UsFree = new("u-us", "US", "free");
    public static readonly TestUser UsPremium = new("u-us-premium", "US", "premium");
    public static readonly TestUser FrFree = new("u-fr", "FR", "free");
    public static readonly TestUser FrPremium = new("u-fr-premium", "FR", "premium");

    public HttpRequestMessage Get(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (Id is not null)
        {
            request.Headers.Add("X-Test-User", Id);
        }

        if (Country is not null)
        {
            request.Headers.Add("X-Test-Country", Country);
        }

        if (Plan is not null)
        {
            request.Headers.Add("X-Test-Plan", Plan);
        }

        if (Roles is not null)
        {
            request.Headers.Add("X-Test-Roles", Roles);
        }

        return request;
    }
}

internal static class HttpClientExtensions
{
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(this HttpClient client, string path, TestUser user)
    {
        using var response = await client.SendAsync(user.Get(path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
