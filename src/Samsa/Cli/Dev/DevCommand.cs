using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Samsa.Cli.Topics;
using Samsa.Hosting;
using Samsa.Storage;

namespace Samsa.Cli.Dev;

/// <summary>
/// <c>samsa dev</c>: one node for development: broker and controller, Kafka listener on <c>127.0.0.1:9092</c>, data
/// under <c>./data/dev</c> (kept across restarts; <c>--reset</c> deletes it first), the platform's topics applied
/// from the <c>deploy/topics.yaml</c> built into the executable (or <c>--topics FILE</c>) with the same code as
/// <c>samsa topics apply</c>; then it prints the bootstrap string and the topics and runs until Ctrl-C or SIGTERM.
/// It takes every flag <c>samsa broker</c> takes; the dev defaults apply only to keys no source sets.
/// </summary>
internal static class DevCommand
{
    /// <summary>The variable <c>deploy/topics.yaml</c> reads its replication factor from; dev sets it.</summary>
    public const string ReplicationFactorVariable = "TOPICS_REPLICATION_FACTOR";

    private const int Brokers = 1;

    public static Command Create(CliContext context)
    {
        var command = new Command("dev", "Run a development node on 127.0.0.1:9092 with the platform's topics.");
        var topicsFile = new Option<string>("--topics")
        {
            Description = "The topics to apply instead of the built-in deploy/topics.yaml.",
            HelpName = "file",
        };
        var reset = new Option<bool>("--reset")
        {
            Description = "Delete the node's data (./data/dev unless log.dirs says otherwise) before starting.",
        };
        command.Options.Add(topicsFile);
        command.Options.Add(reset);
        var sourceOptions = new ConfigSourceOptions();
        sourceOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            TextWriter error = result.InvocationConfiguration.Error;
            if (!sourceOptions.TryRead(result, context, out ConfigSources sources, out string? readError))
            {
                await error.WriteLineAsync(readError).ConfigureAwait(false);
                return 1;
            }

            ConfigLoadResult loaded = ConfigLoader.Load(DevDefaults.Apply(sources, out bool defaultDataDirectory),
                context.Machine);
            foreach (string line in loaded.Errors) await error.WriteLineAsync(line).ConfigureAwait(false);
            if (!loaded.IsValid) return 1;
            if (!TryLoadTopics(result.GetValue(topicsFile), context, error, out TopicsFile? topics)) return 1;
            if (result.GetValue(reset)
                && !DevData.TryReset(loaded.Settings!.LogDirs, defaultDataDirectory, output, out string? resetError))
            {
                await error.WriteLineAsync(resetError).ConfigureAwait(false);
                return 1;
            }

            return await RunAsync(loaded, topics, LogLevelFrom(context), output, error, cancellationToken)
                .ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// Starts the node, applies the topics, prints them, and runs until <paramref name="cancellationToken"/>.
    /// </summary>
    internal static async Task<int> RunAsync(ConfigLoadResult loaded, TopicsFile topics, LogLevel logLevel,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using ILoggerFactory loggers = HostLogging.Create(logLevel);
        loggers.CreateLogger("Samsa").LogConfiguration(loaded);
        BrokerSettings settings = loaded.Settings!;
        SamsaNode node;
        try
        {
            node = await SamsaNode.StartAsync(settings, loggers, TimeProvider.System, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is LogDirectoryException or InvalidOperationException or IOException)
        {
            await error.WriteLineAsync($"samsa: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (node.ConfigureAwait(false))
        {
            try
            {
                string bootstrap = node.BootstrapServers;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Samsa dev: node {settings.NodeId}, data in {string.Join(", ", settings.LogDirs)}"))
                    .ConfigureAwait(false);
                await output.WriteLineAsync($"bootstrap.servers={bootstrap}").ConfigureAwait(false);
                ApplyReport report;
                using (var admin = new ConfluentTopicAdmin(bootstrap))
                {
                    report = await new TopicsApplier(admin, TimeProvider.System)
                        .ApplyAsync(topics.Topics, new ApplyOptions(), cancellationToken).ConfigureAwait(false);
                }

                int exitCode = TopicsCommand.Print(report, topics.Source, bootstrap, json: false, failOnDrift: false,
                    output, error);
                if (exitCode != 0) return exitCode;
                await output.WriteLineAsync("Ready. Ctrl-C stops it; the data stays for the next start "
                    + "(samsa dev --reset deletes it).").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
        }

        return 0;
    }

    private static bool TryLoadTopics(string? path, CliContext context, TextWriter error,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TopicsFile? topics)
    {
        // deploy/topics.yaml takes its replication factor from this variable; one broker holds one replica.
        var environment = new Dictionary<string, string>(context.Environment, StringComparer.Ordinal)
        {
            [ReplicationFactorVariable] = Brokers.ToString(CultureInfo.InvariantCulture),
        };
        CliContext devContext = context with { Environment = environment };
        return path is null
            ? TopicsCommand.TryParse(TopicsFile.BuiltInSource, TopicsFile.ReadBuiltIn(), devContext, error, out topics)
            : TopicsCommand.TryLoad(path, devContext, error, out topics);
    }

    private static LogLevel LogLevelFrom(CliContext context) =>
        context.Environment.TryGetValue("SAMSA_LOG_LEVEL", out string? text)
        && Enum.TryParse(text, ignoreCase: true, out LogLevel level)
            ? level
            : LogLevel.Warning;
}
