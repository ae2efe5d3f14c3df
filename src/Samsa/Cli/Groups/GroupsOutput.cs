using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Spectre.Console;

namespace Samsa.Cli.Groups;

/// <summary>What the groups verbs print: Spectre.Console tables for people, indented JSON with <c>--json</c>.</summary>
internal static class GroupsOutput
{
    public static void WriteList(TextWriter writer, IReadOnlyList<GroupListing> groups, bool json)
    {
        if (json)
        {
            WriteJson(writer, w =>
            {
                w.WriteStartArray("groups");
                foreach (GroupListing g in groups)
                {
                    w.WriteStartObject();
                    w.WriteString("group", g.GroupId);
                    w.WriteString("state", g.State);
                    w.WriteString("type", g.Type);
                    w.WriteBoolean("simple", g.IsSimple);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return;
        }
        IAnsiConsole console = CliConsole.Create(writer);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Group").AddColumn("Type").AddColumn("State");
        foreach (GroupListing g in groups)
            table.AddRow(new Text(g.GroupId), new Text(g.IsSimple ? "simple" : g.Type), new Text(g.State));
        console.Write(table);
    }

    public static void WriteDescribe(TextWriter writer, GroupDescription group, IReadOnlyList<PartitionLag> lag,
        bool json)
    {
        if (json)
        {
            WriteJson(writer, w =>
            {
                w.WriteString("group", group.GroupId);
                w.WriteString("state", group.State);
                w.WriteString("assignor", group.Assignor);
                w.WriteStartArray("members");
                foreach (GroupMemberInfo m in group.Members)
                {
                    w.WriteStartObject();
                    w.WriteString("memberId", m.MemberId);
                    w.WriteString("clientId", m.ClientId);
                    w.WriteString("host", m.Host);
                    if (m.InstanceId is null) w.WriteNull("instanceId");
                    else w.WriteString("instanceId", m.InstanceId);
                    w.WriteStartArray("assignment");
                    foreach (TopicPartition tp in m.Assignment)
                    {
                        w.WriteStartObject();
                        w.WriteString("topic", tp.Topic);
                        w.WriteNumber("partition", tp.Partition.Value);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteLagArray(w, lag);
            });
            return;
        }
        IAnsiConsole console = CliConsole.Create(writer);
        string assignor = group.Assignor.Length == 0 ? "-" : group.Assignor;
        console.MarkupLine(Markup.Escape($"{group.GroupId}: {group.State}, assignor {assignor}, "
            + $"{group.Members.Count} member{(group.Members.Count == 1 ? "" : "s")}"));
        var members = new Table().Border(TableBorder.Rounded)
            .AddColumn("Member").AddColumn("Client").AddColumn("Host").AddColumn("Instance").AddColumn("Assignment");
        foreach (GroupMemberInfo m in group.Members)
        {
            members.AddRow(new Text(m.MemberId), new Text(m.ClientId), new Text(m.Host), new Text(m.InstanceId ?? "-"),
                new Text(Partitions(m.Assignment)));
        }
        console.Write(members);
        WriteLagTable(console, lag);
    }

    public static void WriteLag(TextWriter writer, string group, IReadOnlyList<PartitionLag> lag, bool json)
    {
        if (json)
        {
            WriteJson(writer, w =>
            {
                w.WriteString("group", group);
                w.WriteNumber("totalLag", lag.Sum(l => l.Lag ?? 0));
                WriteLagArray(w, lag);
            });
            return;
        }
        IAnsiConsole console = CliConsole.Create(writer);
        WriteLagTable(console, lag);
        console.WriteLine($"total lag {lag.Sum(l => l.Lag ?? 0).ToString(CultureInfo.InvariantCulture)}");
    }

    public static void WriteResets(TextWriter writer, string group, IReadOnlyList<OffsetReset> resets, bool executed,
        bool json)
    {
        if (json)
        {
            WriteJson(writer, w =>
            {
                w.WriteString("group", group);
                w.WriteBoolean("executed", executed);
                w.WriteStartArray("partitions");
                foreach (OffsetReset r in resets)
                {
                    w.WriteStartObject();
                    w.WriteString("topic", r.Topic);
                    w.WriteNumber("partition", r.Partition);
                    if (r.Current is { } current) w.WriteNumber("current", current);
                    else w.WriteNull("current");
                    w.WriteNumber("new", r.Target);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return;
        }
        IAnsiConsole console = CliConsole.Create(writer);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Topic")
            .AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Current").RightAligned())
            .AddColumn(new TableColumn("New").RightAligned());
        foreach (OffsetReset r in resets)
        {
            table.AddRow(new Text(r.Topic), new Text(Number(r.Partition)),
                new Text(r.Current is { } c ? Number(c) : "-"), new Text(Number(r.Target)));
        }
        console.Write(table);
        console.WriteLine(executed
            ? $"Reset {resets.Count} partition offsets of {group}."
            : "Dry run: nothing changed. Add --execute to reset these offsets (the group must have no members).");
    }

    public static void WriteDeleted(TextWriter writer, IReadOnlyList<string> groups, bool json)
    {
        if (json)
        {
            WriteJson(writer, w =>
            {
                w.WriteStartArray("deleted");
                foreach (string group in groups) w.WriteStringValue(group);
                w.WriteEndArray();
            });
            return;
        }
        foreach (string group in groups) writer.WriteLine($"Deleted group {group}.");
    }

    private static void WriteLagTable(IAnsiConsole console, IReadOnlyList<PartitionLag> lag)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Topic")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn(new TableColumn("Committed").RightAligned())
            .AddColumn(new TableColumn("End").RightAligned()).AddColumn(new TableColumn("Lag").RightAligned())
            .AddColumn("Owner");
        foreach (PartitionLag l in lag)
        {
            table.AddRow(new Text(l.Topic), new Text(Number(l.Partition)),
                new Text(l.Committed is { } c ? Number(c) : "-"), new Text(Number(l.End)),
                new Text(l.Lag is { } g ? Number(g) : "-"), new Text(l.Owner ?? "-"));
        }
        console.Write(table);
    }

    private static void WriteLagArray(Utf8JsonWriter w, IReadOnlyList<PartitionLag> lag)
    {
        w.WriteStartArray("partitions");
        foreach (PartitionLag l in lag)
        {
            w.WriteStartObject();
            w.WriteString("topic", l.Topic);
            w.WriteNumber("partition", l.Partition);
            if (l.Committed is { } committed) w.WriteNumber("committed", committed);
            else w.WriteNull("committed");
            w.WriteNumber("end", l.End);
            if (l.Lag is { } value) w.WriteNumber("lag", value);
            else w.WriteNull("lag");
            if (l.Owner is null) w.WriteNull("owner");
            else w.WriteString("owner", l.Owner);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Partitions(IReadOnlyList<TopicPartition> partitions) => partitions.Count == 0
        ? "-"
        : string.Join(", ", partitions.GroupBy(tp => tp.Topic)
            .Select(g => $"{g.Key}[{string.Join(",", g.Select(tp => tp.Partition.Value))}]"));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteJson(TextWriter writer, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
