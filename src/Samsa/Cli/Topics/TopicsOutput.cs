using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Samsa.Cli.Topics;

/// <summary>
/// Prints what <c>topics apply</c> and <c>topics list</c> found: a table for people (Spectre.Console; colours only
/// on a terminal) or JSON for scripts (<c>--json</c>: one object, its field names stable).
/// </summary>
internal static class TopicsOutput
{
    public static void WriteTable(TextWriter writer, ApplyReport report, string source, string bootstrap)
    {
        if (report.Error is not null) return;   // the caller prints it on standard error
        IAnsiConsole console = CliConsole.Create(writer);
        console.MarkupLine(Markup.Escape($"{source} applied to {bootstrap} ({Brokers(report.LiveBrokers)})"));
        string[] details = [.. report.Topics.Select(Details)];
        bool anyDetails = details.Any(d => d.Length > 0);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Topic").AddColumn(new TableColumn("Partitions").RightAligned())
            .AddColumn(new TableColumn("RF").RightAligned()).AddColumn("Configs").AddColumn("Status");
        if (anyDetails) table.AddColumn("Details");
        for (int i = 0; i < report.Topics.Count; i++)
        {
            TopicOutcome outcome = report.Topics[i];
            TopicSpec spec = outcome.Spec;
            var cells = new List<IRenderable>
            {
                new Text(spec.Name),
                new Text(spec.Partitions.ToString(CultureInfo.InvariantCulture)),
                new Text(spec.ReplicationFactor.ToString(CultureInfo.InvariantCulture)),
                new Text(string.Join('\n', spec.Configs.Select(c => $"{c.Key}={c.Value}"))),
                new Markup($"[{Colour(outcome.Status)}]{StatusName(outcome.Status)}[/]"),
            };
            if (anyDetails) cells.Add(new Text(details[i]));
            table.AddRow(cells);
        }

        console.Write(table);
        console.WriteLine(Summary(report));
    }

    public static void WriteList(TextWriter writer, ClusterSnapshot snapshot, string bootstrap)
    {
        IAnsiConsole console = CliConsole.Create(writer);
        console.MarkupLine(Markup.Escape($"{bootstrap} ({Brokers(snapshot.LiveBrokers)})"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Topic").AddColumn(new TableColumn("Partitions").RightAligned())
            .AddColumn(new TableColumn("RF").RightAligned());
        foreach (TopicState topic in snapshot.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            table.AddRow(new Text(topic.Name), new Text(topic.Partitions.ToString(CultureInfo.InvariantCulture)),
                new Text(topic.ReplicationFactor.ToString(CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }

    public static void WriteJson(TextWriter writer, ApplyReport report, string source, string bootstrap)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("source", source);
            json.WriteString("bootstrap", bootstrap);
            json.WriteNumber("liveBrokers", report.LiveBrokers);
            WriteNullable(json, "error", report.Error);
            json.WriteStartArray("topics");
            foreach (TopicOutcome outcome in report.Topics)
            {
                json.WriteStartObject();
                json.WriteString("name", outcome.Spec.Name);
                json.WriteString("status", StatusName(outcome.Status));
                json.WriteNumber("partitions", outcome.Spec.Partitions);
                json.WriteNumber("replicationFactor", outcome.Spec.ReplicationFactor);
                json.WriteStartObject("configs");
                foreach ((string name, string value) in outcome.Spec.Configs) json.WriteString(name, value);
                json.WriteEndObject();
                json.WriteStartArray("differences");
                foreach (TopicDifference difference in outcome.Differences)
                {
                    json.WriteStartObject();
                    json.WriteString("kind", KindName(difference.Kind));
                    json.WriteString("name", difference.Name);
                    WriteNullable(json, "expected", difference.Expected);
                    WriteNullable(json, "actual", difference.Actual);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("alteredConfigs");
                foreach (string name in outcome.AlteredConfigs) json.WriteStringValue(name);
                json.WriteEndArray();
                WriteNullable(json, "error", outcome.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static void WriteListJson(TextWriter writer, ClusterSnapshot snapshot, string bootstrap)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("bootstrap", bootstrap);
            json.WriteNumber("liveBrokers", snapshot.LiveBrokers);
            json.WriteStartArray("topics");
            foreach (TopicState topic in snapshot.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("name", topic.Name);
                json.WriteNumber("partitions", topic.Partitions);
                json.WriteNumber("replicationFactor", topic.ReplicationFactor);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The status as the table and JSON name it.</summary>
    public static string StatusName(TopicStatus status) => status switch
    {
        TopicStatus.Created => "created",
        TopicStatus.Unchanged => "unchanged",
        TopicStatus.Differs => "differs",
        TopicStatus.Altered => "altered",
        _ => "failed",
    };

    private static string KindName(TopicDifferenceKind kind) => kind switch
    {
        TopicDifferenceKind.Partitions => "partitions",
        TopicDifferenceKind.ReplicationFactor => "replication-factor",
        TopicDifferenceKind.Config => "config",
        _ => "undeclared-config",
    };

    private static string Colour(TopicStatus status) => status switch
    {
        TopicStatus.Created => "green",
        TopicStatus.Unchanged => "default",
        TopicStatus.Differs => "yellow",
        TopicStatus.Altered => "blue",
        _ => "red",
    };

    private static string Details(TopicOutcome outcome)
    {
        var lines = new List<string>();
        if (outcome.Error is not null) lines.Add(outcome.Error);
        foreach (string name in outcome.AlteredConfigs) lines.Add($"set {name}={outcome.Spec.Configs[name]}");
        foreach (TopicDifference difference in outcome.Differences) lines.Add(difference.ToString());
        return string.Join('\n', lines);
    }

    private static string Summary(ApplyReport report)
    {
        IEnumerable<string> counts = report.Topics.GroupBy(t => t.Status).OrderBy(g => g.Key)
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {StatusName(g.Key)}");
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{report.Topics.Count} topics: {string.Join(", ", counts)}");
        if (report.Topics.Any(t => t.Differences.Count > 0)) summary += ". Differences are reported, not changed";
        if (report.Topics.Any(t => t.Differences.Any(d => d.Kind == TopicDifferenceKind.Config)))
            summary += "; samsa topics apply --alter-configs sets the configs the file declares";
        return summary + (summary.EndsWith('.') ? "" : ".");
    }

    private static string Brokers(int live) => live == 1 ? "1 live broker"
        : live.ToString(CultureInfo.InvariantCulture) + " live brokers";

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
