using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>
/// Counts log events by id (for example the client's "stream connected", 104), and remembers when each id was last
/// seen (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for the figures of a scenario.
/// </summary>
internal sealed class EventCounter : ILoggerProvider
{
    private readonly ConcurrentDictionary<int, long> _counts = new();
    private readonly ConcurrentDictionary<int, long> _lastSeen = new();

    public long this[int eventId] => _counts.TryGetValue(eventId, out var n) ? n : 0;

    /// <summary>The Stopwatch timestamp of the last event with this id, or null.</summary>
    public long? LastSeen(int eventId) => _lastSeen.TryGetValue(eventId, out var at) ? at : null;

    public ILogger CreateLogger(string categoryName) => new Logger(_counts, _lastSeen);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentDictionary<int, long> counts, ConcurrentDictionary<int, long> lastSeen) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lastSeen[eventId.Id] = System.Diagnostics.Stopwatch.GetTimestamp();
            counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
        }
    }
}
