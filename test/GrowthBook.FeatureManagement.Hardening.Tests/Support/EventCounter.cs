using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Hardening.Support;

/// <summary>Counts log events by id (for example the client's "stream connected", 104), for the figures of a scenario.</summary>
internal sealed class EventCounter : ILoggerProvider
{
    private readonly ConcurrentDictionary<int, long> _counts = new();

    public long this[int eventId] => _counts.TryGetValue(eventId, out var n) ? n : 0;

    public ILogger CreateLogger(string categoryName) => new Logger(_counts);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentDictionary<int, long> counts) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
    }
}
