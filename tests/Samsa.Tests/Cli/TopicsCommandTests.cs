using System.CommandLine;
using Samsa.Cli;
using Samsa.Cli.Topics;
using Samsa.Tests.Configuration;

namespace Samsa.Tests.Cli;

public sealed class TopicsCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand();
        var context = new CliContext(new Dictionary<string, string>(), ConfigTestSources.Machine);
        root.Subcommands.Add(TopicsCommand.Create(context));
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_missing_file_is_one_line_and_exit_code_1()
    {
        string path = Path.Combine(Path.GetTempPath(), "samsa-no-such-" + Guid.NewGuid().ToString("N") + ".yaml");

        (int exitCode, string output, string error) = Run("topics", "apply", path);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"samsa: {path}: no such file\n", error);
    }

    [Fact]
    public void A_bad_file_is_refused_with_line_numbers_before_any_cluster_is_asked()
    {
        using var temp = new TempDirectory("samsa-topics-");
        string path = temp.Combine("topics.yaml");
        File.WriteAllText(path,
            "topics:\n  logs:\n    partitions: 3\n    replication-factor: 1\n    configs:\n      retention: 1d\n");

        (int exitCode, string _, string error) = Run("topics", "apply", path, "--bootstrap", "127.0.0.1:1");

        Assert.Equal(1, exitCode);
        Assert.Equal($"samsa: {path}:6: topic logs: unknown topic config retention\n", error);
    }

    [Fact]
    public void A_timeout_that_is_not_a_duration_is_refused() =>
        Assert.NotEqual(0, Run("topics", "apply", "x.yaml", "--timeout", "soon").ExitCode);

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("90", 90_000)]
    [InlineData("1.5s", 1_500)]
    public void Durations_take_a_unit_or_mean_seconds(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("soon")]
    [InlineData("2d")]
    public void Durations_refuse_nonsense(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void The_table_shows_each_topic_with_its_status_and_differences()
    {
        var spec = new TopicSpec("logs", 6, 1, new Dictionary<string, string> { ["retention.ms"] = "1000" });
        var report = new ApplyReport(
        [
            new TopicOutcome(spec, TopicStatus.Differs,
                [TopicDifference.Count(TopicDifferenceKind.Partitions, "partitions", 6, 3)]),
            new TopicOutcome(spec with { Name = "emails" }, TopicStatus.Created, []),
        ], LiveBrokers: 1);
        var output = new StringWriter();

        TopicsOutput.WriteTable(output, report, "topics.yaml", "127.0.0.1:9092");

        string text = output.ToString();
        Assert.Contains("topics.yaml applied to 127.0.0.1:9092 (1 live broker)", text, StringComparison.Ordinal);
        Assert.Matches(@"│ logs +│ +6 │ +1 │ retention\.ms=1000 +│ differs +│ partitions: file 6, cluster 3 +│",
            text);
        Assert.Matches(@"│ emails +│ +6 │ +1 │ retention\.ms=1000 +│ created +│ +│", text);
        Assert.Contains("2 topics: 1 created, 1 differs. Differences are reported, not changed.", text,
            StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_names_every_field()
    {
        var spec = new TopicSpec("logs", 6, 1, new Dictionary<string, string> { ["retention.ms"] = "1000" });
        var report = new ApplyReport([new TopicOutcome(spec, TopicStatus.Differs,
            [new TopicDifference(TopicDifferenceKind.Config, "retention.ms", "1000", "2000")])], LiveBrokers: 2);
        var output = new StringWriter();

        TopicsOutput.WriteJson(output, report, "topics.yaml", "b:9092");

        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        System.Text.Json.JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("liveBrokers").GetInt32());
        System.Text.Json.JsonElement topic = root.GetProperty("topics")[0];
        Assert.Equal("differs", topic.GetProperty("status").GetString());
        Assert.Equal("1000", topic.GetProperty("configs").GetProperty("retention.ms").GetString());
        System.Text.Json.JsonElement difference = topic.GetProperty("differences")[0];
        Assert.Equal("config", difference.GetProperty("kind").GetString());
        Assert.Equal("2000", difference.GetProperty("actual").GetString());
    }
}
