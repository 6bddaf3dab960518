using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrowthBook.FeatureManagement.Tests.Client;

/// <summary>One log line as the client wrote it: level, event id, the formatted message and the exception (if any) as text.</summary>
internal sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " | " + Exception)}";
}

/// <summary>Records every log line at every level (Trace and up), for assertions on what was logged and what was not.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IReadOnlyList<LogLine> AtLeast(LogLevel level) => [.. _lines.Where(l => l.Level >= level)];

    public IReadOnlyList<LogLine> WithEventId(int id) => [.. _lines.Where(l => l.EventId.Id == id)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values too: a secret could hide in a value the message template leaves out.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            provider._lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception) + " {" + values + "}", exception?.ToString()));
        }
    }
}
