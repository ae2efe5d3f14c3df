using Microsoft.Extensions.Logging;

namespace Samsa.Storage.Tests.Support;

/// <summary>Keeps every log entry, for tests that check what an operator would be told.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, EventId Id, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries
    {
        get
        {
            lock (_entries)
                return [.. _entries];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
            _entries.Add((logLevel, eventId, formatter(state, exception)));
    }

    public bool Has(LogLevel level, int eventId) => Entries.Any(e => e.Level == level && e.Id.Id == eventId);
}

/// <summary>Hands out one shared <see cref="ListLogger"/>.</summary>
public sealed class ListLoggerFactory(ListLogger logger) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
