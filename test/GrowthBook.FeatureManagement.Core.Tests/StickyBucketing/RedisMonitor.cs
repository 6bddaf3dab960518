using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace GrowthBook.FeatureManagement.Tests.StickyBucketing;

/// <summary>
/// Redis's <c>MONITOR</c> over a plain socket: every command the real server executes, from every client, as the server
/// prints it (<c>+1700000000.123 [0 127.0.0.1:5000] "MGET" "key1" "key2"</c>). Used to count round trips as the
/// server saw them, not as the client claims.
/// </summary>
internal sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task _reading;

    private RedisMonitor(TcpClient tcp, StreamReader reader)
    {
        _tcp = tcp;
        _reader = reader;
        _reading = Task.Run(ReadAsync);
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public static async Task<RedisMonitor> StartAsync(string address)
    {
        var colon = address.LastIndexOf(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("MONITOR\r\n"));
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = await reader.ReadLineAsync();
        if (ok != "+OK")
        {
            throw new InvalidOperationException("MONITOR was refused: " + ok);
        }

        return new RedisMonitor(tcp, reader);
    }

    /// <summary>Waits until the server has printed a line containing <paramref name="text"/> (so everything before it is in).</summary>
    public async Task WaitForAsync(string text)
    {
        var limit = DateTime.UtcNow.AddSeconds(10);
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException("MONITOR never showed " + text);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The socket was closed under the reader: that is how it stops.
        }
    }

    private async Task ReadAsync()
    {
        while (await _reader.ReadLineAsync() is { } line)
        {
            _lines.Enqueue(line);
        }
    }
}
