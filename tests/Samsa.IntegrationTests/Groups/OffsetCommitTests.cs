using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// Confluent.Kafka commits offsets of an existing and a missing topic in one request against a real Samsa broker:
/// the missing topic's partitions get UNKNOWN_TOPIC_OR_PARTITION, the others are stored.
/// </summary>
public sealed class OffsetCommitTests
{
    private const int Partitions = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // A member's commit carries its generation (classic) or member epoch (consumer, KIP-848). librdkafka makes any
    // failed partition the error of the whole commit, so Consumer.Commit throws a plain KafkaException rather than
    // a TopicPartitionOffsetException with the partitions; which partitions failed shows in what was stored.
    [Theory, InlineData("classic"), InlineData("consumer")]
    public async Task A_member_commit_naming_a_missing_topic_fails_with_unknown_topic_and_stores_the_rest(
        string protocol)
    {
        await using SamsaCluster cluster = protocol == "consumer"
            ? await ConsumerProtocolTests.StartAsync()
            : await ClassicGroupTests.StartAsync();
        string topic = "commit-existing-" + protocol;
        string missing = "commit-missing-" + protocol;
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        using IConsumer<byte[]?, byte[]?> consumer = new ConsumerBuilder<byte[]?, byte[]?>(
            ClassicGroupTests.Config(cluster, topic + "-group", protocol)).Build();
        consumer.Subscribe(topic);
        DateTime end = DateTime.UtcNow + Deadline;
        while (consumer.Assignment.Count < Partitions)
        {
            Assert.True(DateTime.UtcNow < end, $"timed out after {Deadline.TotalSeconds} s waiting for the assignment");
            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }

        KafkaException error = Assert.Throws<KafkaException>(() => consumer.Commit(
        [
            new TopicPartitionOffset(topic, 0, 5),
            new TopicPartitionOffset(missing, 0, 3),
            new TopicPartitionOffset(topic, 1, 7),
            new TopicPartitionOffset(missing, 1, 4),
        ]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, error.Error.Code);

        List<TopicPartitionOffset> committed = consumer.Committed(
        [
            new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2),
            new TopicPartition(missing, 0), new TopicPartition(missing, 1),
        ], Deadline);
        Assert.Equal(
            [(topic, 0, 5L), (topic, 1, 7L), (topic, 2, Offset.Unset.Value), (missing, 0, Offset.Unset.Value),
                (missing, 1, Offset.Unset.Value)],
            committed.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value)).Order());
        consumer.Close();
    }

    // The admin client reports each partition's error of the same OffsetCommit (generation -1, no member).
    [Fact]
    public async Task An_admin_commit_naming_a_missing_topic_or_partition_gets_unknown_topic_for_those_partitions_only()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        const string topic = "admin-commit-existing";
        const string missing = "admin-commit-missing";
        const string group = "admin-commit-group";
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        using IAdminClient admin = cluster.CreateAdmin();

        // Right after start-up the group's __consumer_offsets partition may still be loading: those partitions
        // answer COORDINATOR_LOAD_IN_PROGRESS, which a client retries, and so does this test.
        AlterConsumerGroupOffsetsException error = await Eventually.ValueAsync(
            () => Assert.ThrowsAsync<AlterConsumerGroupOffsetsException>(() => admin.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets(group,
                [
                    new TopicPartitionOffset(topic, 0, 5),
                    new TopicPartitionOffset(missing, 0, 3),
                    new TopicPartitionOffset(topic, Partitions, 9),
                    new TopicPartitionOffset(topic, 1, 7),
                ])],
                new AlterConsumerGroupOffsetsOptions { RequestTimeout = Deadline })),
            e => !e.Results.Any(r => r.Partitions.Any(p => p.Error.Code == ErrorCode.GroupLoadInProgress)),
            Deadline, "the group's coordinator to finish loading");
        AlterConsumerGroupOffsetsReport report = Assert.Single(error.Results);
        Assert.Equal(
            [(topic, 0, ErrorCode.NoError), (topic, 1, ErrorCode.NoError),
                (topic, Partitions, ErrorCode.UnknownTopicOrPart), (missing, 0, ErrorCode.UnknownTopicOrPart)],
            report.Partitions.Select(p => (p.Topic, p.Partition.Value, p.Error.Code)).Order());

        using IConsumer<byte[]?, byte[]?> probe = cluster.CreateConsumer(c => c.GroupId = group);
        List<TopicPartitionOffset> committed = probe.Committed(
            [new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(missing, 0)], Deadline);
        Assert.Equal([(topic, 0, 5L), (topic, 1, 7L), (missing, 0, Offset.Unset.Value)],
            committed.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value)).Order());
    }
}
