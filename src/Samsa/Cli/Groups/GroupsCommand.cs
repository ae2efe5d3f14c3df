using System.CommandLine;
using Confluent.Kafka;
using Samsa.Cli.Topics;

namespace Samsa.Cli.Groups;

/// <summary>
/// <c>samsa groups list|describe|lag|reset-offsets|delete</c>: consumer groups through the admin API, as
/// <c>kafka-consumer-groups.sh</c> does. Tables by default, JSON with <c>--json</c>; exit code 1 on an error.
/// reset-offsets is a dry run unless <c>--execute</c> is given.
/// </summary>
internal static class GroupsCommand
{
    public static Command Create()
    {
        var command = new Command("groups", "List, describe and delete consumer groups; show lag; reset offsets.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateDescribe());
        command.Subcommands.Add(CreateLag());
        command.Subcommands.Add(CreateReset());
        command.Subcommands.Add(CreateDelete());
        return command;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List the cluster's consumer groups with their type and state.");
        (Option<string> bootstrap, Option<bool> json) = Common(list);
        list.SetAction((result, _) => RunAsync(result, bootstrap, async (admin, output) =>
            GroupsOutput.WriteList(output, await admin.ListAsync().ConfigureAwait(false), result.GetValue(json))));
        return list;
    }

    private static Command CreateDescribe()
    {
        var describe = new Command("describe",
            "Show a group's state, assignor, members and their partitions, and lag.");
        Argument<string> group = GroupArgument();
        describe.Arguments.Add(group);
        (Option<string> bootstrap, Option<bool> json) = Common(describe);
        describe.SetAction((result, _) => RunAsync(result, bootstrap, async (admin, output) =>
        {
            string id = result.GetValue(group)!;
            GroupDescription description = await admin.DescribeAsync(id).ConfigureAwait(false);
            IReadOnlyList<PartitionLag> lag = await admin.LagAsync(id).ConfigureAwait(false);
            GroupsOutput.WriteDescribe(output, description, lag, result.GetValue(json));
        }));
        return describe;
    }

    private static Command CreateLag()
    {
        var lag = new Command("lag", "Show a group's committed offset, end offset and lag for each partition.");
        Argument<string> group = GroupArgument();
        lag.Arguments.Add(group);
        (Option<string> bootstrap, Option<bool> json) = Common(lag);
        lag.SetAction((result, _) => RunAsync(result, bootstrap, async (admin, output) =>
        {
            string id = result.GetValue(group)!;
            GroupsOutput.WriteLag(output, id, await admin.LagAsync(id).ConfigureAwait(false), result.GetValue(json));
        }));
        return lag;
    }

    private static Command CreateReset()
    {
        var reset = new Command("reset-offsets",
            "Move a group's committed offsets (dry run unless --execute; the group must have no members).");
        Argument<string> group = GroupArgument();
        var topics = new Option<string[]>("--topic")
        {
            Description = "A topic whose partitions to reset; repeat for more. Default: every partition the group "
                + "has committed.",
            AllowMultipleArgumentsPerToken = false,
        };
        var earliest = new Option<bool>("--to-earliest") { Description = "To each partition's log start offset." };
        var latest = new Option<bool>("--to-latest")
        {
            Description = "To each partition's end offset (skip the backlog).",
        };
        var toOffset = new Option<long?>("--to-offset")
        {
            Description = "To this offset (clamped to the log).",
            HelpName = "offset",
        };
        var shiftBy = new Option<long?>("--shift-by")
        {
            Description = "By this many offsets, + or - (clamped).",
            HelpName = "n",
        };
        var execute = new Option<bool>("--execute")
        {
            Description = "Write the new offsets; without it nothing changes.",
        };
        reset.Arguments.Add(group);
        foreach (Option option in new Option[] { topics, earliest, latest, toOffset, shiftBy, execute })
            reset.Options.Add(option);
        (Option<string> bootstrap, Option<bool> json) = Common(reset);
        reset.Validators.Add(result =>
        {
            int chosen = (result.GetValue(earliest) ? 1 : 0) + (result.GetValue(latest) ? 1 : 0)
                + (result.GetValue(toOffset) is null ? 0 : 1) + (result.GetValue(shiftBy) is null ? 0 : 1);
            if (chosen != 1)
                result.AddError("choose exactly one of --to-earliest, --to-latest, --to-offset, --shift-by");
        });
        reset.SetAction((result, _) => RunAsync(result, bootstrap, async (admin, output) =>
        {
            ResetSpec spec = result.GetValue(earliest) ? new ResetSpec.Earliest()
                : result.GetValue(latest) ? new ResetSpec.Latest()
                : result.GetValue(toOffset) is { } offset ? new ResetSpec.ToOffset(offset)
                : new ResetSpec.ShiftBy(result.GetValue(shiftBy)!.Value);
            string[]? named = result.GetValue(topics);
            string id = result.GetValue(group)!;
            bool run = result.GetValue(execute);
            IReadOnlyList<OffsetReset> resets = await admin
                .ResetAsync(id, named is { Length: > 0 } ? named : null, spec, run).ConfigureAwait(false);
            GroupsOutput.WriteResets(output, id, resets, run, result.GetValue(json));
        }));
        return reset;
    }

    private static Command CreateDelete()
    {
        var delete = new Command("delete", "Delete groups that have no members, with their committed offsets.");
        var groups = new Argument<string[]>("group")
        {
            Description = "The groups to delete.",
            Arity = ArgumentArity.OneOrMore,
        };
        delete.Arguments.Add(groups);
        (Option<string> bootstrap, Option<bool> json) = Common(delete);
        delete.SetAction((result, _) => RunAsync(result, bootstrap, async (admin, output) =>
        {
            string[] ids = result.GetValue(groups)!;
            await admin.DeleteAsync(ids).ConfigureAwait(false);
            GroupsOutput.WriteDeleted(output, ids, result.GetValue(json));
        }));
        return delete;
    }

    private static async Task<int> RunAsync(ParseResult result, Option<string> bootstrap,
        Func<GroupsAdmin, TextWriter, Task> action)
    {
        string servers = result.GetValue(bootstrap)!;
        TextWriter error = result.InvocationConfiguration.Error;
        try
        {
            using var admin = new GroupsAdmin(servers, TimeSpan.FromSeconds(15));
            await action(admin, result.InvocationConfiguration.Output).ConfigureAwait(false);
            return 0;
        }
        catch (KafkaException e)
        {
            string detail = e is Confluent.Kafka.Admin.DeleteGroupsException d
                ? string.Join("; ", d.Results.Where(r => r.Error.IsError).Select(r => $"{r.Group}: {r.Error.Reason}"))
                : e.Error.Reason;
            await error.WriteLineAsync($"samsa: {servers}: {detail}").ConfigureAwait(false);
            return 1;
        }
    }

    private static Argument<string> GroupArgument() => new("group") { Description = "The group id." };

    private static (Option<string> Bootstrap, Option<bool> Json) Common(Command command)
    {
        var bootstrap = new Option<string>("--bootstrap", "--bootstrap-server")
        {
            Description = "host:port of one or more brokers, comma-separated.",
            HelpName = "host:port",
            DefaultValueFactory = _ => TopicsCommand.DefaultBootstrap,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        command.Options.Add(bootstrap);
        command.Options.Add(json);
        return (bootstrap, json);
    }
}
