using System.Diagnostics;
using System.Globalization;
using System.Net;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Load;

/// <summary>
/// A real ASP.NET Core app on Kestrel (127.0.0.1) with the one-line Microsoft.FeatureManagement setup, loading from the
/// fake GrowthBook API, logging at Trace: many concurrent requests, each evaluating every feature through
/// IVariantFeatureManager for its own user, all answered correctly.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class AspNetCoreLoadTests
{
    private const int Parallel = 50;
    private const int RequestsEach = 500;
    private const int Version = 7;

    private FakeGrowthBookServer _api = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var payload = VersionedPayload.Json(Version).Replace("\"features\":{", "\"features\":{" + HostileValues + ",", StringComparison.Ordinal);
        _api = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, payload);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(CapturedOutput.LoggerProvider);
        builder.Services.AddFeatureManagement().AddGrowthBook(o =>
        {
            o.ApiHost = _api.BaseUrl;
            o.ClientKey = CapturedOutput.ClientKey;
            o.RefreshStrategy = RefreshStrategy.None;
        }).AddTelemetry() // GrowthBook's activities and log publisher, under the secrets scan too
        .WithHttpContext(o =>
        {
            o.IssueAnonymousIdCookie = false;
            o.Enrich = (context, attributes) =>
            {
                var i = int.Parse(context.Request.Headers["X-User"].ToString(), CultureInfo.InvariantCulture);
                attributes["id"] = "user-" + i.ToString(CultureInfo.InvariantCulture);
                attributes["group"] = VersionedPayload.InGroupA(i) ? "a" : "b";
                attributes["email"] = CapturedOutput.SecureEmail;
            };
        });
        builder.Services.AddHealthChecks().AddGrowthBook();
        _app = builder.Build();
        _app.MapGet("/features", async (IVariantFeatureManagerSnapshot features, CancellationToken cancellationToken) =>
        {
            var values = new List<string>();
            for (var k = 0; k < VersionedPayload.Features; k++)
            {
                var variant = await features.GetVariantAsync("f" + k.ToString(CultureInfo.InvariantCulture), cancellationToken);
                values.Add(variant?.Configuration?.Value ?? "none");
            }

            return string.Join(",", values);
        });
        _app.MapGet("/variant/{feature}", async (string feature, IVariantFeatureManagerSnapshot features, CancellationToken cancellationToken) =>
            (await features.GetVariantAsync(feature, cancellationToken))?.Name ?? "none");
        _app.MapHealthChecks("/health");
        await _app.StartAsync();
        var client = _app.Services.GetRequiredService<GrowthBookClient>();
        await Wait.UntilAsync(() => client.PayloadSource == PayloadSource.Network, "the app's GrowthBook client to load the payload");
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Parallel }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ConcurrentRequestsThroughTheFeatureManagementAdapter_AllAnsweredCorrectly(CancellationToken cancellationToken)
    {
        await Summary.RunAsync($"Load: {Parallel} parallel × {RequestsEach:N0} requests through ASP.NET Core + FM adapter", async counter =>
        {
            Assert.That(await _http.GetStringAsync(new Uri("/health", UriKind.Relative), cancellationToken), Is.EqualTo("Healthy"));
            var expected = ExpectedAnswers(Parallel * 7);
            var failures = 0L;
            string? firstFailure = null;
            var slowest = 0.0;
            var watch = Stopwatch.StartNew();
            await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, Parallel), new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (worker, ct) =>
            {
                for (var r = 0; r < RequestsEach; r++)
                {
                    var user = ((worker * 7) + r) % expected.Length;
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, "/features");
                        request.Headers.Add("X-User", user.ToString(CultureInfo.InvariantCulture));
                        using var response = await _http.SendAsync(request, ct);
                        var body = await response.Content.ReadAsStringAsync(ct);
                        if (response.StatusCode != HttpStatusCode.OK || body != expected[user])
                        {
                            Interlocked.Increment(ref failures);
                            Interlocked.CompareExchange(ref firstFailure, $"user {user}: {(int)response.StatusCode} '{body}', expected '{expected[user]}'", null);
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        CapturedOutput.Seen(e);
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, e.Message, null);
                    }

                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (expected)
                    {
                        slowest = Math.Max(slowest, ms);
                    }

                    counter.Add();
                }
            });

            counter.Fail(failures);
            counter.Figure = $"{counter.Iterations / watch.Elapsed.TotalSeconds:N0} requests/s; slowest {slowest:0} ms";
            Assert.That(failures, Is.Zero, firstFailure);
        });
    }

    [TestCase("deep")]
    [TestCase("surrogate")]
    public async Task HostileFeatureValues_AreServedAsVariantsWithoutFailingTheRequest(string feature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/variant/" + feature);
        request.Headers.Add("X-User", "1");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Summary.Record("Load: hostile variant value '" + feature + "' through the FM adapter", 1, response.IsSuccessStatusCode && body == "default" ? 0 : 1, $"HTTP {(int)response.StatusCode}, variant {body}", TimeSpan.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Is.EqualTo("default"), "GrowthBook's default-value variant, not a fallback");
        });
    }

    // A value nested 90,000 deep, and lone surrogates in a property name and a string: all reach VariantMapper.
    private static string HostileValues
        => "\"deep\":{\"defaultValue\":" + new string('[', 90_000) + "1" + new string(']', 90_000) + "},"
           + "\"surrogate\":{\"defaultValue\":{\"\\ud800\":\"\\udc00x\",\"ok\":1}}";

    private static string[] ExpectedAnswers(int users)
    {
        var payload = GrowthBookPayload.Parse(VersionedPayload.Json(Version));
        return [.. Enumerable.Range(0, users).Select(i =>
        {
            using var scope = new GrowthBookScope(payload, VersionedPayload.User(i));
            return string.Join(",", Enumerable.Range(0, VersionedPayload.Features).Select(k => scope.GetFeatureValue("f" + k.ToString(CultureInfo.InvariantCulture), -1).ToString(CultureInfo.InvariantCulture)));
        })];
    }
}
