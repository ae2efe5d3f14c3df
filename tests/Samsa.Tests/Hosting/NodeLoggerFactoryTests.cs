using Microsoft.Extensions.Logging;
using Samsa.Hosting;

namespace Samsa.Tests.Hosting;

public sealed class NodeLoggerFactoryTests
{
    [Fact]
    public void Every_event_of_a_node_carries_its_id_and_the_callers_own_scopes_stay()
    {
        var capture = new ScopeCapture();
        using ILoggerFactory loggers =
            LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Information));
        ILogger one = new NodeLoggerFactory(loggers, 1).CreateLogger("Samsa.Broker");
        ILogger two = new NodeLoggerFactory(loggers, 2).CreateLogger("Samsa.Broker");

        one.LogInformation("registered");
        using (two.BeginScope("connection 9")) two.LogWarning("fenced");
        one.LogDebug("below the level");

        Assert.Equal(["node 1: registered", "connection 9 => node 2: fenced"], capture.Lines);
    }

    /// <summary>Records each event with the scopes it was written in, as the console formatter shows them.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                owner._scopes?.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
                owner.Lines.Add(string.Join(" => ", scopes) + ": " + formatter(state, exception));
            }
        }
    }
}
