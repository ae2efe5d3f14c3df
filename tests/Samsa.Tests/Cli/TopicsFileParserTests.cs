using Samsa.Cli.Topics;

namespace Samsa.Tests.Cli;

public sealed class TopicsFileParserTests
{
    private static TopicsFile Parse(string yaml, Dictionary<string, string>? environment = null)
    {
        bool ok = TopicsFileParser.TryParse("topics.yaml", yaml, environment ?? [], out TopicsFile? file,
            out IReadOnlyList<string> errors);
        Assert.True(ok, string.Join('\n', errors));
        return file!;
    }

    private static IReadOnlyList<string> Errors(string yaml, Dictionary<string, string>? environment = null)
    {
        Assert.False(TopicsFileParser.TryParse("topics.yaml", yaml, environment ?? [], out TopicsFile? file,
            out IReadOnlyList<string> errors));
        Assert.Null(file);
        return errors;
    }

    [Fact]
    public void The_built_in_file_declares_the_six_platform_topics_with_one_replica_by_default()
    {
        TopicsFile file = Parse(TopicsFile.ReadBuiltIn());

        Assert.Equal(["cv_parsing", "cv_embedding_generation", "job_embedding_generation",
            "profile_embedding_generation", "logs", "emails"], file.Topics.Select(t => t.Name));
        Assert.All(file.Topics, t => Assert.Equal(1, t.ReplicationFactor));
        Assert.All(file.Topics, t => Assert.Equal("delete", t.Configs["cleanup.policy"]));
        TopicSpec logs = file.Topics.Single(t => t.Name == "logs");
        Assert.True(long.Parse(logs.Configs["retention.ms"], System.Globalization.CultureInfo.InvariantCulture)
            < long.Parse(file.Topics[0].Configs["retention.ms"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_built_in_file_takes_its_replication_factor_from_the_environment() =>
        Assert.All(Parse(TopicsFile.ReadBuiltIn(), new() { ["TOPICS_REPLICATION_FACTOR"] = "2" }).Topics,
            t => Assert.Equal(2, t.ReplicationFactor));

    [Fact]
    public void Topics_inherit_the_defaults_and_override_them_key_by_key()
    {
        TopicsFile file = Parse("""
            defaults:
              partitions: 3
              replication-factor: 2
              configs:
                retention.ms: 1000
                cleanup.policy: delete
            topics:
              a:
              b:
                partitions: 6
                configs:
                  retention.ms: 2000
            """);

        Assert.Equal(new TopicSpec("a", 3, 2, file.Topics[0].Configs, 8), file.Topics[0]);
        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "delete", ["retention.ms"] = "1000" },
            file.Topics[0].Configs);
        Assert.Equal(6, file.Topics[1].Partitions);
        Assert.Equal(2, file.Topics[1].ReplicationFactor);
        Assert.Equal("2000", file.Topics[1].Configs["retention.ms"]);
        Assert.Equal(9, file.Topics[1].Line);
    }

    [Theory]
    [InlineData("${RF}", "3", "3")]
    [InlineData("${RF:-1}", null, "1")]
    [InlineData("${RF:-1}", "", "1")]
    [InlineData("${RF-1}", null, "1")]
    [InlineData("${RF}", "2", "2")]
    public void Values_may_name_environment_variables(string value, string? variable, string expected)
    {
        var environment = new Dictionary<string, string>();
        if (variable is not null) environment["RF"] = variable;

        TopicsFile file = Parse($"topics:\n  a:\n    partitions: 1\n    replication-factor: {value}\n", environment);

        Assert.Equal(short.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            file.Topics[0].ReplicationFactor);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_line()
    {
        IReadOnlyList<string> errors = Errors("""
            defaults:
              partitions: 3
              replication-factor: 1
            topics:
              good:
              bad partitions:
                partitions: many
              too_many_replicas:
                replication-factor: 0
              unknown_key:
                partition: 3
              unknown_config:
                configs:
                  retention.hours: 1
              bad_value:
                configs:
                  retention.ms: -5
            """);

        Assert.Equal(
        [
            "topics.yaml:6: topic name \"bad partitions\" may hold only ASCII letters, digits, '.', '_' and '-'",
            "topics.yaml:9: replication-factor must be a whole number from 1 to 32767, not \"0\"",
            "topics.yaml:11: topic unknown_key: unknown key partition; expected partitions, replication-factor or "
                + "configs",
            "topics.yaml:14: topic unknown_config: unknown topic config retention.hours",
            "topics.yaml:17: topic bad_value: retention.ms=-5 must be at least -1",
        ], errors);
    }

    [Fact]
    public void A_topic_declared_twice_is_an_error_at_the_second() => Assert.Equal(
        ["topics.yaml:5: a appears twice in the same mapping"],
        Errors("topics:\n  a:\n    partitions: 1\n    replication-factor: 1\n  a:\n"));

    [Fact]
    public void A_topic_without_partitions_anywhere_is_an_error() => Assert.Equal(
        ["topics.yaml:2: topic a needs partitions (here or under defaults)"],
        Errors("topics:\n  a:\n    replication-factor: 1\n"));

    [Fact]
    public void Configs_that_contradict_each_other_are_an_error() => Assert.Equal(
        ["topics.yaml:6: topic a: min.compaction.lag.ms (10) must not exceed max.compaction.lag.ms (5)"],
        Errors("""
            topics:
              a:
                partitions: 1
                replication-factor: 1
                configs:
                  min.compaction.lag.ms: 10
                  max.compaction.lag.ms: 5
            """));

    [Fact]
    public void An_unset_variable_without_a_default_is_an_error() => Assert.Equal(
        ["topics.yaml:4: ${RF} is not set (write ${RF:-default} to give a default)"],
        Errors("topics:\n  a:\n    partitions: 1\n    replication-factor: ${RF}\n"));

    [Fact]
    public void A_syntax_error_names_its_line()
    {
        string error = Assert.Single(Errors("topics:\n  a:\n    partitions: [1\n    replication-factor: 1\n"));

        Assert.Matches(@"^topics\.yaml:[345]: ", error);
    }

    [Theory]
    [InlineData("", "topics.yaml:1: the file is empty; it needs a topics: section")]
    [InlineData("defaults:\n  partitions: 1\n", "topics.yaml:1: the file has no topics: section")]
    [InlineData("topics: []\n", "topics.yaml:1: topics must be a mapping of name: value lines")]
    [InlineData("topic:\n  a:\n", "topics.yaml:1: unknown section topic; expected defaults or topics")]
    public void A_file_of_the_wrong_shape_is_one_error(string yaml, string expected) =>
        Assert.Contains(expected, Errors(yaml));

    [Theory]
    [InlineData("cv.parsing", null)]
    [InlineData("..", "\"..\" is not a legal topic name")]
    [InlineData("émails", "topic name \"émails\" may hold only ASCII letters, digits, '.', '_' and '-'")]
    public void Topic_names_follow_Kafka_rules(string name, string? expected) =>
        Assert.Equal(expected, TopicsFileParser.ValidateTopicName(name));
}
