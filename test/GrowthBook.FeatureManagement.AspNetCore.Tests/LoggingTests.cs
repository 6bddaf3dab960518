using System.Collections.Concurrent;
using GrowthBook.FeatureManagement.AspNetCore.Tests.TestApp;
using GrowthBook.FeatureManagement.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace GrowthBook.FeatureManagement.AspNetCore.Tests;

/// <summary>Nothing the app logs, at any level, holds the client key (it is part of every API and stream URL).</summary>
[TestFixture]
public sealed class LoggingTests
{
    [Test]
    public async Task NoLogHoldsTheClientKey()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await FakeGrowthBookApi.StartAsync(TestPayloads.Main);
        await using (var app = new TestAppFactory(new TestAppSettings
        {
            GrowthBook =
            {
                ["ClientKey"] = FakeGrowthBookApi.ClientKey,
                ["ApiHost"] = api.Url,
                ["CacheTtl"] = "00:00:00.100",
            },
            Services = s => s.AddLogging(b => b.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)),
        }))
        {
            using var client = app.CreateClient();
            await client.GetAsync("/mvc/checkout", TestUser.UsFree);
            api.Failing = true;
            await Task.Delay(200);
            await client.GetAsync("/mvc/checkout", TestUser.UsFree);
            await Task.Delay(200);
            await client.GetAsync("/health");
        }

        Assert.Multiple(() =>
        {
            Assert.That(logs.Messages, Has.Some.Contains("GrowthBook"), "GrowthBook's own logs were captured");
            Assert.That(logs.Messages.Where(m => m.Contains(FakeGrowthBookApi.ClientKey, StringComparison.Ordinal)), Is.Empty);
        });
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
