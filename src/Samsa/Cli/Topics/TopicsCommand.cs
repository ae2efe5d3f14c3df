using System.CommandLine;
using System.CommandLine.Parsing;

namespace Samsa.Cli.Topics;

/// <summary>
/// <c>samsa topics apply FILE</c>: makes the cluster hold the topics <c>topics.yaml</c> declares (creates what is
/// missing, reports what differs, changes configs only with <c>--alter-configs</c>, never deletes), after waiting
/// for the cluster; exit code 0 when applied, 1 on an error, 2 with <c>--fail-on-drift</c> when something differs.
/// <c>samsa topics list</c>: the cluster's topics with their partition counts and replication factors.
/// </summary>
internal static class TopicsCommand
{
    public const string DefaultBootstrap = "127.0.0.1:9092";

    public static Command Create(CliContext context)
    {
        var command = new Command("topics", "Declare topics from a file, or list the cluster's topics.");
        command.Subcommands.Add(CreateApply(context));
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Command CreateApply(CliContext context)
    {
        var apply = new Command("apply",
            "Create the topics a topics.yaml declares and report how existing ones differ.");
        var file = new Argument<string>("file") { Description = "The topics file (see deploy/topics.yaml)." };
        Option<string> bootstrap = BootstrapOption();
        Option<TimeSpan?> timeout = TimeoutOption("How long to wait for the cluster to answer and to have enough "
            + "live brokers for each missing topic's replication factor: 500ms, 60s, 2m. Default: 60s.");
        var alterConfigs = new Option<bool>("--alter-configs")
        {
            Description = "Set configs that differ from the file on existing topics. Partition counts and "
                + "replication factors are only reported; nothing is ever deleted.",
        };
        var failOnDrift = new Option<bool>("--fail-on-drift")
        {
            Description = "Exit with code 2 when an existing topic still differs from the file.",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON instead of a table." };
        apply.Arguments.Add(file);
        apply.Options.Add(bootstrap);
        apply.Options.Add(timeout);
        apply.Options.Add(alterConfigs);
        apply.Options.Add(failOnDrift);
        apply.Options.Add(json);
        apply.SetAction(async (result, cancellationToken) =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            TextWriter error = result.InvocationConfiguration.Error;
            string path = result.GetValue(file)!;
            if (!TryLoad(path, context, error, out TopicsFile? topics)) return 1;
            string servers = result.GetValue(bootstrap)!;
            using var admin = new ConfluentTopicAdmin(servers);
            var options = new ApplyOptions
            {
                Timeout = result.GetValue(timeout) ?? TimeSpan.FromSeconds(60),
                AlterConfigs = result.GetValue(alterConfigs),
            };
            ApplyReport report = await new TopicsApplier(admin, TimeProvider.System)
                .ApplyAsync(topics.Topics, options, cancellationToken).ConfigureAwait(false);
            return Print(report, topics.Source, servers, result.GetValue(json), result.GetValue(failOnDrift),
                output, error);
        });
        return apply;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List the cluster's topics with partition counts and replication factors.");
        Option<string> bootstrap = BootstrapOption();
        Option<TimeSpan?> timeout = TimeoutOption("How long to wait for the cluster to answer. Default: 10s.");
        var json = new Option<bool>("--json") { Description = "Print the topics as JSON instead of a table." };
        list.Options.Add(bootstrap);
        list.Options.Add(timeout);
        list.Options.Add(json);
        list.SetAction(async (result, cancellationToken) =>
        {
            string servers = result.GetValue(bootstrap)!;
            using var admin = new ConfluentTopicAdmin(servers);
            ClusterSnapshot snapshot;
            try
            {
                TimeSpan wait = result.GetValue(timeout) ?? TimeSpan.FromSeconds(10);
                snapshot = await admin.ListAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (TopicAdminException e)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"samsa: {servers}: {e.Message}")
                    .ConfigureAwait(false);
                return 1;
            }

            TextWriter output = result.InvocationConfiguration.Output;
            if (result.GetValue(json)) TopicsOutput.WriteListJson(output, snapshot, servers);
            else TopicsOutput.WriteList(output, snapshot, servers);
            return 0;
        });
        return list;
    }

    /// <summary>Reads and parses a topics file; false after printing one line per problem.</summary>
    internal static bool TryLoad(string path, CliContext context, TextWriter error,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TopicsFile? topics)
    {
        topics = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool missing = e is FileNotFoundException or DirectoryNotFoundException;
            error.WriteLine($"samsa: {path}: {(missing ? "no such file" : e.Message)}");
            return false;
        }

        return TryParse(path, text, context, error, out topics);
    }

    internal static bool TryParse(string source, string text, CliContext context, TextWriter error,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TopicsFile? topics)
    {
        if (TopicsFileParser.TryParse(source, text, context.Environment, out topics, out IReadOnlyList<string> errors))
            return true;
        foreach (string line in errors) error.WriteLine("samsa: " + line);
        return false;
    }

    /// <summary>Prints a report as a table or JSON (errors on standard error) and returns the exit code.</summary>
    internal static int Print(ApplyReport report, string source, string bootstrap, bool json, bool failOnDrift,
        TextWriter output, TextWriter error)
    {
        if (json) TopicsOutput.WriteJson(output, report, source, bootstrap);
        else TopicsOutput.WriteTable(output, report, source, bootstrap);
        if (report.Error is not null) error.WriteLine($"samsa: {bootstrap}: {report.Error}");
        foreach (TopicOutcome failed in report.Topics.Where(t => t.Status == TopicStatus.Failed))
            error.WriteLine($"samsa: topic {failed.Spec.Name}: {failed.Error}");
        return report.ExitCode(failOnDrift);
    }

    private static Option<string> BootstrapOption() => new("--bootstrap", "--bootstrap-server")
    {
        Description = "host:port of one or more brokers, comma-separated.",
        HelpName = "host:port",
        DefaultValueFactory = _ => DefaultBootstrap,
    };

    private static Option<TimeSpan?> TimeoutOption(string description) => new("--timeout")
    {
        Description = description,
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out TimeSpan value)) return value;
        result.AddError($"--timeout {text}: expected a duration such as 500ms, 60s or 2m");
        return null;
    }
}
