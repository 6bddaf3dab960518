using System.Diagnostics;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.Load;

/// <summary>
/// Threads evaluate at least 1,000,000 times while the client's payload is replaced 1,000 times (the API serves a new
/// version, the client refreshes): no evaluation fails, and every scope's answers come from one whole payload.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class PayloadSwapTests
{
    private const int Swaps = 1_000;
    private const long MinimumEvaluations = 1_000_000;

    [Test]
    [CancelAfter(120_000)]
    public async Task MillionEvaluationsWhilePayloadSwapped1000Times_NoErrorsNoTornReads(CancellationToken cancellationToken)
    {
        await Summary.RunAsync("Load: 1,000,000+ evaluations during 1,000 payload swaps", async counter =>
        {
            await using var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(0));
            await using var client = new GrowthBookClient(
                new GrowthBookClientOptions { ApiHost = server.BaseUrl, ClientKey = CapturedOutput.ClientKey, RefreshStrategy = RefreshStrategy.None },
                loggerFactory: CapturedOutput.CreateLoggerFactory());
            Assert.That((await client.InitializeAsync(cancellationToken)).Status, Is.EqualTo(InitializationStatus.Network));

            var scopes = new VersionReaders(client.CreateScope, 300);
            var direct = new VersionReaders(user => new GrowthBookScope(client.Payload, user), 300); // one snapshot per scope, taken by hand
            scopes.Start(2);
            direct.Start(1);
            var watch = Stopwatch.StartNew();
            var failedSwaps = 0;
            try
            {
                for (var i = 1; i <= Swaps; i++)
                {
                    // Swaps spread over the million evaluations: one per thousand.
                    while (scopes.Evaluations + direct.Evaluations < (i - 1) * (MinimumEvaluations / Swaps) && watch.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        await Task.Delay(1, cancellationToken);
                    }

                    server.SetPayload(VersionedPayload.Json(i));
                    if (!await client.RefreshAsync(cancellationToken) || client.Payload.DateUpdated != VersionedPayload.DateUpdated(i))
                    {
                        failedSwaps++;
                    }
                }

                await Wait.UntilAsync(() => scopes.Evaluations + direct.Evaluations >= MinimumEvaluations, "a million evaluations", TimeSpan.FromSeconds(60), cancellationToken);
            }
            finally
            {
                scopes.Stop();
                direct.Stop();
            }

            var evaluations = scopes.Evaluations + direct.Evaluations;
            counter.Add(evaluations);
            counter.Fail(scopes.Failures + direct.Failures + failedSwaps);
            counter.Figure = $"{Swaps:N0} swaps; {evaluations / watch.Elapsed.TotalSeconds:N0} evaluations/s";
            TestContext.Progress.WriteLine($"payload swaps: {Swaps} swaps ({failedSwaps} failed); scopes: {scopes.Describe()}; snapshots: {direct.Describe()}");
            Assert.Multiple(() =>
            {
                Assert.That(failedSwaps, Is.Zero);
                Assert.That(scopes.Failures, Is.Zero, scopes.Describe());
                Assert.That(direct.Failures, Is.Zero, direct.Describe());
                Assert.That(evaluations, Is.GreaterThanOrEqualTo(MinimumEvaluations));
            });
        });
    }
}
