using Microsoft.Extensions.Logging;
using Samsa.Configuration;

namespace Samsa.Tests.Configuration;

public sealed class ConfigurationLogTests
{
    [Fact]
    public void Logs_set_keys_first_with_sources_then_defaults_then_listeners_and_warnings()
    {
        ConfigLoadResult result = ConfigTestSources.Load("node.id=1\nfoo=1\n",
            environment: new() { ["SAMSA_LISTENERS"] = "PLAINTEXT://:9092" });
        var logger = new ListLogger();

        logger.LogConfiguration(result);

        Assert.Equal((5000, LogLevel.Information, "Configuration node.id=1 (from server.properties:1)"),
            logger.Entries[0]);
        Assert.Equal((5000, LogLevel.Information, "Configuration listeners=PLAINTEXT://:9092 (from SAMSA_LISTENERS)"),
            logger.Entries[1]);
        Assert.Equal(5001, logger.Entries[2].Id);
        Assert.Equal(LogLevel.Debug, logger.Entries[2].Level);
        Assert.Contains(logger.Entries, e => e.Id == 5003 && e.Message.StartsWith(
            "Listener PLAINTEXT binds PLAINTEXT://:9092 and advertises PLAINTEXT://samsa-host:9092 (this machine's",
            StringComparison.Ordinal));
        Assert.Equal((5002, LogLevel.Warning, "Configuration: unknown setting foo (from server.properties:2); ignored"),
            logger.Entries[^1]);
    }

    [Fact]
    public void Passwords_are_masked_in_the_log()
    {
        var setting = new ConfigSetting(Samsa.Metadata.Configs.ConfigDef.Password("p", "d"), "s3cret",
            new ConfigOrigin(ConfigOriginKind.Flag, "--p"));
        var logger = new ListLogger();

        logger.LogConfiguration(new ConfigLoadResult(new EffectiveConfiguration([setting]), null, [], []));

        Assert.Equal((5000, LogLevel.Information, "Configuration p=[hidden] (from --p)"),
            Assert.Single(logger.Entries));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}
