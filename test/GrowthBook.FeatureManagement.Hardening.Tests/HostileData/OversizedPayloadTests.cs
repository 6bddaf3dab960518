using System.Diagnostics;
using GrowthBook.FeatureManagement.Hardening.Support;
using GrowthBook.FeatureManagement.Tests.Client;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.Hardening.HostileData;

/// <summary>
/// A 100 MB payload from the real Kestrel API is refused by <see cref="GrowthBookClientOptions.MaxPayloadBytes"/>
/// (16 MiB by default) without being read whole: by its Content-Length, or, sent chunked, once the limit is passed.
/// The client keeps serving its previous payload, and the process's memory grows far less than 100 MB.
/// </summary>
[TestFixture]
[Category("Hardening")]
public sealed class OversizedPayloadTests
{
    private const long Size = 100L * 1024 * 1024;

    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public async Task Payload100MB_IsRefusedWithoutBufferingIt(bool chunked, CancellationToken cancellationToken)
    {
        await Summary.RunAsync($"Hostile data: 100 MB payload ({(chunked ? "chunked" : "Content-Length")})", async counter =>
        {
            await using var server = await FakeGrowthBookServer.StartAsync(CapturedOutput.ClientKey, VersionedPayload.Json(1));
            await using var client = new GrowthBookClient(
                new GrowthBookClientOptions { ApiHost = server.BaseUrl, ClientKey = CapturedOutput.ClientKey, RefreshStrategy = RefreshStrategy.None, RequestTimeout = TimeSpan.FromSeconds(30) },
                loggerFactory: CapturedOutput.CreateLoggerFactory());
            Assert.That((await client.InitializeAsync(cancellationToken)).Status, Is.EqualTo(InitializationStatus.Network));
            server.EnqueueFaults(new FeaturesFault.Oversized(Size, chunked));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var peakHeap = heapBefore;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                    await Task.Delay(2, CancellationToken.None);
                }
            }, CancellationToken.None);

            var watch = Stopwatch.StartNew();
            var loaded = await client.RefreshAsync(cancellationToken);
            watch.Stop();
            await sampling.CancelAsync();
            await sampler;
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / 1024.0;
            var peakGrowthMb = (peakHeap - heapBefore) / 1024.0 / 1024.0;
            CapturedOutput.Seen(client.LastError);
            counter.Add();
            counter.Figure = $"{allocatedMb:0.0} MB allocated, heap peak +{peakGrowthMb:0.0} MB, server wrote {server.OversizedBytesWritten / 1024.0 / 1024.0:0.0} MB, refused in {watch.Elapsed.TotalMilliseconds:0} ms";
            // What the client read is bounded by the allocation and heap figures. The server's count is only printed: once
            // the client has dropped the connection, Kestrel completes the app's writes silently until it notices, which
            // under load can be the whole 100 MB.
            Assert.Multiple(() =>
            {
                Assert.That(loaded, Is.False, "the payload is refused");
                Assert.That(client.LastError, Is.InstanceOf<InvalidDataException>());
                Assert.That(client.LastError?.Message, Does.Contain("MaxPayloadBytes"));
                Assert.That(client.Payload.DateUpdated, Is.EqualTo(VersionedPayload.DateUpdated(1)), "the previous payload is still served");
                Assert.That(allocatedMb, Is.LessThan(chunked ? 50 : 5), "memory allocated while refusing it");
                Assert.That(peakGrowthMb, Is.LessThan(chunked ? 40 : 5), "heap growth while refusing it");
            });
        });
    }
}
