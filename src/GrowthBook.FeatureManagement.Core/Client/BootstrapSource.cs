using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Client;

/// <summary>
/// The bootstrap payload: <see cref="GrowthBookClientOptions.BootstrapPayload"/> or <see cref="GrowthBookClientOptions.BootstrapFile"/>,
/// the file watched and each new content offered to the <see cref="PayloadStore"/> (which keeps a newer payload from the
/// API). Reloads run one at a time, outside any lock of the store; one write that raises several file events is
/// offered once.
/// </summary>
internal sealed class BootstrapSource(GrowthBookClientOptions options, PayloadStore store, TimeProvider time, ILogger logger)
{
    /// <summary>Editors write in several steps: a reload waits this long (on the client's clock) after a file event before reading.</summary>
    internal static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private FileSystemWatcher? _watcher;
    private int _eventsReceived, _renamesReceived, _eventsPending;
    private byte[]? _lastHash; // of the file content last offered (only touched while _reloading is held, or before watching)
    private int _disposed;

    /// <summary>The last error reading the file, for health and the initialisation result.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>
    /// The file events received so far, the renames among them, and how many are still waiting for the settle time or
    /// being read (for tests: a test moves a fake clock past the wait of an event it has seen counted, and knows when every
    /// event it caused has been handled).
    /// </summary>
    internal (int Received, int Renames, int Pending) FileEvents
        => (Volatile.Read(ref _eventsReceived), Volatile.Read(ref _renamesReceived), Volatile.Read(ref _eventsPending));

    /// <summary>Whether the file is watched (for tests).</summary>
    internal bool Watching => Volatile.Read(ref _watcher) is not null;

    /// <summary>Offers the bootstrap payload (if any) and starts watching the file. True when a payload is now served from it.</summary>
    public bool Load()
    {
        byte[]? json = options.BootstrapPayload is { } payload ? Encoding.UTF8.GetBytes(payload) : null;
        try
        {
            if (options.BootstrapFile is { } file)
            {
                var bytes = File.ReadAllBytes(file);
                json = Utf8(bytes);
                _lastHash = SHA256.HashData(bytes);
                Watch(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            ClientLog.BootstrapFailed(logger, $"{e.GetType().Name}: {e.Message}");
            LastError = e;
        }

        return json is not null && store.Apply(json, PayloadSource.Bootstrap, etag: null, time.GetUtcNow()).Outcome is ApplyOutcome.Applied or ApplyOutcome.Unchanged;
    }

    private void Watch(string file)
    {
        var full = Path.GetFullPath(file);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler reload = (_, e) => _ = ReloadAsync(full, e.ChangeType);
        watcher.Changed += reload;
        watcher.Created += reload;
        watcher.Renamed += (_, e) => _ = ReloadAsync(full, e.ChangeType);
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    // A file event: wait for the writer to finish, then reload.
    private async Task ReloadAsync(string file, WatcherChangeTypes change)
    {
        Interlocked.Increment(ref _eventsPending);
        try
        {
            var settled = Task.Delay(Settle, time, _lifetime.Token);
            // Counted once the wait is on the clock, so that moving a fake clock after seeing the count ends the wait.
            Interlocked.Increment(ref _eventsReceived);
            if (change == WatcherChangeTypes.Renamed)
            {
                Interlocked.Increment(ref _renamesReceived);
            }

            try
            {
                await settled.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await ReloadNowAsync(file).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _eventsPending);
        }
    }

    /// <summary>Reads the file and offers its content if it changed since last offered; one reload at a time.</summary>
    internal async Task ReloadNowAsync(string file)
    {
        var stopping = _lifetime.Token;
        try
        {
            await _reloading.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var bytes = await File.ReadAllBytesAsync(file, stopping).ConfigureAwait(false);
            var hash = SHA256.HashData(bytes);
            // One write raises several file events: content already offered is not a change. A half-written file fails
            // to parse (logged) and is offered again on the next event.
            if (_disposed == 0 && (_lastHash is null || !hash.AsSpan().SequenceEqual(_lastHash))
                && store.Apply(Utf8(bytes), PayloadSource.Bootstrap, etag: null, time.GetUtcNow()).Outcome != ApplyOutcome.Rejected)
            {
                _lastHash = hash;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ClientLog.BootstrapFailed(logger, $"{e.GetType().Name}: {e.Message}");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _reloading.Release();
        }
    }

    // The bytes as File.ReadAllText would decode them (a byte-order mark of any Unicode encoding honoured), in UTF-8.
    private static byte[] Utf8(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Encoding.UTF8.GetBytes(reader.ReadToEnd());
    }

    /// <summary>Stops watching the file; a reload under way is abandoned.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lifetime.Cancel(); // not disposed: a reload still starting reads its token
        Interlocked.Exchange(ref _watcher, null)?.Dispose();
    }
}
