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
/// <c>--brokers N</c> runs N nodes in this process instead, as a cluster (<see cref="DevDefaults.ApplyNode"/>).
/// </summary>
internal static class DevCommand
{
    /// <summary>The variable <c>deploy/topics.yaml</c> reads its replication factor from; dev sets it to one, as
    /// partitions are not copied to followers yet.</summary>
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
        var brokers = new Option<int>("--brokers")
        {
            Description = "How many brokers to run in this process (1-9): node 1 is also the controller, node k "
                + "listens on 127.0.0.1:9092+2(k-1).",
            DefaultValueFactory = _ => 1,
        };
        command.Options.Add(topicsFile);
        command.Options.Add(reset);
        command.Options.Add(brokers);
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

            int count = result.GetValue(brokers);
            if (count is < 1 or > DevDefaults.MaxBrokers)
            {
                await error.WriteLineAsync($"samsa: --brokers must be 1 to {DevDefaults.MaxBrokers}, not {count}")
                    .ConfigureAwait(false);
                return 1;
            }
            List<ConfigLoadResult>? nodes = LoadNodes(sources, count, context, error, out bool defaultDataDirectory);
            if (nodes is null) return 1;
            if (!TryLoadTopics(result.GetValue(topicsFile), context, error, out TopicsFile? topics)) return 1;
            foreach (ConfigLoadResult node in nodes)
            {
                if (result.GetValue(reset) && !DevData.TryReset(node.Settings!.LogDirs, defaultDataDirectory, output,
                        out string? resetError))
                {
                    await error.WriteLineAsync(resetError).ConfigureAwait(false);
                    return 1;
                }
            }

            return await RunAsync(nodes, topics, LogLevelFrom(context), output, error, cancellationToken)
                .ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Each node's configuration: the one node's with the dev defaults, or node k of a dev cluster's.
    /// </summary>
    private static List<ConfigLoadResult>? LoadNodes(ConfigSources sources, int brokers, CliContext context,
        TextWriter error, out bool defaultDataDirectory)
    {
        defaultDataDirectory = false;
        var nodes = new List<ConfigLoadResult>(brokers);
        for (int id = 1; id <= brokers; id++)
        {
            string? clash = null;
            ConfigSources? node = brokers == 1
                ? DevDefaults.Apply(sources, out defaultDataDirectory)
                : DevDefaults.ApplyNode(sources, id, brokers, out defaultDataDirectory, out clash);
            if (node is null)
            {
                error.WriteLine(clash);
                return null;
            }
            ConfigLoadResult loaded = ConfigLoader.Load(node, context.Machine);
            foreach (string line in loaded.Errors) error.WriteLine(line);
            if (!loaded.IsValid) return null;
            nodes.Add(loaded);
        }
        return nodes;
    }

    /// <summary>
    /// Starts the nodes (node 1 first: it is the controller), applies the topics, prints them, and runs until
    /// <paramref name="cancellationToken"/>; then stops them, node 1 last.
    /// </summary>
    internal static async Task<int> RunAsync(IReadOnlyList<ConfigLoadResult> nodes, TopicsFile topics,
        LogLevel logLevel, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using ILoggerFactory loggers = HostLogging.Create(logLevel);
        var running = new List<SamsaNode>(nodes.Count);
        try
        {
            foreach (ConfigLoadResult loaded in nodes)
            {
                loggers.CreateLogger("Samsa").LogConfiguration(loaded);
                running.Add(await SamsaNode.StartAsync(loaded.Settings!, loggers, TimeProvider.System,
                    cancellationToken).ConfigureAwait(false));
            }
            return await ServeAsync(running, topics, output, error, cancellationToken).ConfigureAwait(false);
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
        finally
        {
            if (running.Count > 0) await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
            for (int i = running.Count - 1; i >= 0; i--) await running[i].DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> ServeAsync(IReadOnlyList<SamsaNode> nodes, TopicsFile topics, TextWriter output,
        TextWriter error, CancellationToken cancellationToken)
    {
        string bootstrap = string.Join(',', nodes.Select(n => n.BootstrapServers));
        string data = string.Join(", ", nodes.SelectMany(n => n.Settings.LogDirs));
        string who = nodes.Count == 1
            ? $"node {nodes[0].Settings.NodeId}"
            : $"{nodes.Count} brokers (node 1 also the controller)";
        await output.WriteLineAsync($"Samsa dev: {who}, data in {data}").ConfigureAwait(false);
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
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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
