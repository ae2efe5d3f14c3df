using Samsa.Cli.Topics;

namespace Samsa.Tests.Cli;

public sealed class TopicDriftTests
{
    private static TopicSpec Spec(int partitions = 3, short replicationFactor = 1, params (string, string)[] configs) =>
        new("logs", partitions, replicationFactor, configs.ToDictionary(c => c.Item1, c => c.Item2));

    private static TopicState State(int partitions = 3, int replicationFactor = 1,
        params (string Name, string? Value, bool IsOverride)[] configs) =>
        new("logs", partitions, replicationFactor,
            configs.ToDictionary(c => c.Name, c => new TopicConfigValue(c.Value, c.IsOverride)));

    [Fact]
    public void A_topic_as_declared_has_no_differences() => Assert.Empty(TopicDrift.Compute(
        Spec(configs: ("retention.ms", "1000")),
        State(configs: [("retention.ms", "1000", true), ("segment.bytes", "1073741824", false)])));

    [Fact]
    public void Partitions_and_replication_factor_are_compared() => Assert.Equal(
        [
            new TopicDifference(TopicDifferenceKind.Partitions, "partitions", "6", "3"),
            new TopicDifference(TopicDifferenceKind.ReplicationFactor, "replication-factor", "2", "1"),
        ],
        TopicDrift.Compute(Spec(6, 2), State(3, 1)));

    [Fact]
    public void A_config_with_another_value_differs_and_a_missing_one_shows_as_not_reported() => Assert.Equal(
        [
            new TopicDifference(TopicDifferenceKind.Config, "flush.mode", "fsync", null),
            new TopicDifference(TopicDifferenceKind.Config, "retention.ms", "259200000", "604800000"),
        ],
        TopicDrift.Compute(Spec(configs: [("retention.ms", "259200000"), ("flush.mode", "fsync")]),
            State(configs: ("retention.ms", "604800000", false))));

    [Theory]
    [InlineData("cleanup.policy", "compact, delete", "compact,delete")]
    [InlineData("retention.ms", " 1000", "1000")]
    [InlineData("unclean.leader.election.enable", "TRUE", "true")]
    [InlineData("min.cleanable.dirty.ratio", "0.50", "0.5")]
    public void Values_are_compared_in_canonical_form(string name, string declared, string reported) =>
        Assert.Empty(TopicDrift.Compute(Spec(configs: (name, declared)), State(configs: (name, reported, true))));

    [Fact]
    public void An_override_the_file_does_not_mention_is_reported_but_inherited_values_are_not()
    {
        TopicDifference difference = Assert.Single(TopicDrift.Compute(Spec(),
            State(configs: [("retention.ms", "1000", true), ("segment.bytes", "1073741824", false)])));

        Assert.Equal(new TopicDifference(TopicDifferenceKind.UndeclaredConfig, "retention.ms", null, "1000"),
            difference);
        Assert.Equal("retention.ms=1000 is set on the topic but not in the file", difference.ToString());
    }

    [Fact]
    public void A_difference_reads_as_file_then_cluster() => Assert.Equal("partitions: file 6, cluster 3",
        TopicDifference.Count(TopicDifferenceKind.Partitions, "partitions", 6, 3).ToString());
}
