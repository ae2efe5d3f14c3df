using Microsoft.Extensions.Logging;

namespace Samsa.Hosting;

// Every log line of a node carries its id, so that the lines of several nodes in one process (samsa dev with several
// brokers, the tests' clusters) or in one terminal tell apart: each event is written inside a "node N" scope, which
// the console formatter prints after the category. The scope costs nothing for events below the enabled level.
internal sealed class NodeLoggerFactory(ILoggerFactory inner, int nodeId) : ILoggerFactory
{
    private readonly string _scope = "node " + nodeId;

    public ILogger CreateLogger(string categoryName) => new NodeLogger(inner.CreateLogger(categoryName), _scope);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>Nothing to release: the inner factory belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    private sealed class NodeLogger(ILogger inner, string scope) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            using (inner.BeginScope(scope)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
