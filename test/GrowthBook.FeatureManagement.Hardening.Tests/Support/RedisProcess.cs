using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// A redis-server of a scenario's own, on a free loopback port, that the scenario may kill and restart without
/// touching the shared test Redis. Data is kept in a temporary folder: <see cref="SaveAndKillAsync"/> writes a
/// snapshot, then kills the process abruptly; <see cref="StartAsync"/> on the same folder loads it back.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hardening-redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static async Task<RedisProcess> StartNewAsync()
    {
        var redis = new RedisProcess(Tests.Client.FakeGrowthBookServer.FreePort());
        Directory.CreateDirectory(redis._dir);
        await redis.StartAsync();
        return redis;
    }

    /// <summary>Starts (or restarts) the server and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir, "--dbfilename", "dump.rdb" })
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("This scenario starts a redis-server of its own: install redis-server (.ci/run does).", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException("redis-server did not accept connections within 10 s");
    }

    /// <summary>Writes a snapshot (SAVE), then kills the server abruptly (its clients see connections reset).</summary>
    public async Task SaveAndKillAsync()
    {
        await RunCliAsync("SAVE");
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    private async Task RunCliAsync(string command)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", ["-p", Port.ToString(CultureInfo.InvariantCulture), command]) { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("redis-cli did not start");
        await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a snapshot still being written: the temporary folder is left behind
        }
    }
}
