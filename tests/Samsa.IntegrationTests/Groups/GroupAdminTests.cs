using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// Confluent.Kafka's admin client against groups on a real Samsa broker: ListGroups, DescribeGroups, DeleteGroups,
/// OffsetFetch (list offsets), OffsetCommit from an admin (alter offsets), and lag against the high watermarks.
/// </summary>
public sealed class GroupAdminTests
{
    private const string Topic = "admin-groups";
    private const string Group = "admin-group";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Admin_lists_describes_and_deletes_groups_lists_and_alters_their_offsets_and_lag_matches()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = Topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        ProduceToEachPartition(cluster, p => 10 + p);

        var ledger = new GroupMember.Ledger();
        ConsumerConfig config = ClassicGroupTests.Config(cluster, Group);
        config.ClientId = "admin-test-client";
        var member = new GroupMember("m", config, Topic, ledger);
        try
        {
            await Eventually.TrueAsync(() => ledger.DeliveredCount == 33, Deadline, "the member to consume all");
            await Eventually.TrueAsync(() => ledger.CommittedFor(2) == 12, Deadline, "the last commit");
            await ListedAsAStableConsumerGroupAsync(admin);
            await DescribedWithOneMemberOfThreePartitionsAsync(admin);

            // A group with a member cannot be deleted, and its offsets cannot be altered from outside.
            DeleteGroupsException notEmpty = await Assert.ThrowsAsync<DeleteGroupsException>(
                () => admin.DeleteGroupsAsync([Group], new DeleteGroupsOptions { RequestTimeout = Timeout }));
            Assert.Equal(ErrorCode.NonEmptyGroup, Assert.Single(notEmpty.Results).Error.Code);

            // Lag: 5 more messages per partition while the member does not consume.
            await member.PauseAsync();
            ProduceToEachPartition(cluster, _ => 5);
            await LagIsFiveOnEachPartitionAsync(cluster, admin);
        }
        finally
        {
            await member.CloseAsync();
            member.Dispose();
        }

        // Empty now: alter one partition's offset, then delete the group and its offsets.
        await Eventually.TrueAsync(() => DescribeState(admin) == ConsumerGroupState.Empty, Deadline,
            "the group to be empty");
        await admin.AlterConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitionOffsets(Group, [new TopicPartitionOffset(Topic, 0, 3)])],
            new AlterConsumerGroupOffsetsOptions { RequestTimeout = Timeout });
        Dictionary<int, long> altered = await CommittedAsync(admin);
        Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 11, [2] = 12 }, altered);
        await DeletedWithItsOffsetsAsync(admin);
    }

    /// <summary>Produces <paramref name="count"/>(partition) one-byte messages to each of the topic's three
    /// partitions.</summary>
    private static void ProduceToEachPartition(SamsaCluster cluster, Func<int, int> count)
    {
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer();
        for (int p = 0; p < 3; p++)
        {
            for (int i = 0; i < count(p); i++)
                producer.Produce(new TopicPartition(Topic, p), new Message<byte[]?, byte[]?> { Value = [(byte)i] });
        }
        Assert.Equal(0, producer.Flush(Timeout));
    }

    // List: the group is there, Stable, a consumer group.
    private static async Task ListedAsAStableConsumerGroupAsync(IAdminClient admin)
    {
        ListConsumerGroupsResult listed = await admin.ListConsumerGroupsAsync(
            new ListConsumerGroupsOptions { RequestTimeout = Timeout });
        ConsumerGroupListing listing = Assert.Single(listed.Valid, g => g.GroupId == Group);
        Assert.Equal(ConsumerGroupState.Stable, listing.State);
        Assert.False(listing.IsSimpleConsumerGroup);
        ListConsumerGroupsResult empties = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions
        {
            MatchStates = [ConsumerGroupState.Empty], RequestTimeout = Timeout,
        });
        Assert.DoesNotContain(empties.Valid, g => g.GroupId == Group);
    }

    // Describe: one member, its client id and the three partitions, the range assignor.
    private static async Task DescribedWithOneMemberOfThreePartitionsAsync(IAdminClient admin)
    {
        DescribeConsumerGroupsResult described = await admin.DescribeConsumerGroupsAsync([Group],
            new DescribeConsumerGroupsOptions { RequestTimeout = Timeout });
        ConsumerGroupDescription description = Assert.Single(described.ConsumerGroupDescriptions);
        Assert.Equal(ConsumerGroupState.Stable, description.State);
        Assert.Equal("range", description.PartitionAssignor);
        MemberDescription only = Assert.Single(description.Members);
        Assert.Equal("admin-test-client", only.ClientId);
        Assert.StartsWith("admin-test-client-", only.ConsumerId, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], only.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order());
    }

    /// <summary>The committed offsets are 10, 11 and 12, and each high watermark is 5 past its partition's.</summary>
    private static async Task LagIsFiveOnEachPartitionAsync(SamsaCluster cluster, IAdminClient admin)
    {
        Dictionary<int, long> committed = await CommittedAsync(admin);
        Assert.Equal(new Dictionary<int, long> { [0] = 10, [1] = 11, [2] = 12 }, committed);
        using IConsumer<byte[]?, byte[]?> probe = cluster.CreateConsumer();
        for (int p = 0; p < 3; p++)
        {
            WatermarkOffsets watermarks = probe.QueryWatermarkOffsets(new TopicPartition(Topic, p), Timeout);
            Assert.Equal(5, watermarks.High.Value - committed[p]);
        }
    }

    /// <summary>Deletes the group: it is no longer listed, its offsets are gone, and a second delete finds no
    /// group.</summary>
    private static async Task DeletedWithItsOffsetsAsync(IAdminClient admin)
    {
        await admin.DeleteGroupsAsync([Group], new DeleteGroupsOptions { RequestTimeout = Timeout });
        ListConsumerGroupsResult after =
            await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = Timeout });
        Assert.DoesNotContain(after.Valid, g => g.GroupId == Group);
        Dictionary<int, long> gone = await CommittedAsync(admin);
        Assert.Empty(gone);
        DeleteGroupsException unknown = await Assert.ThrowsAsync<DeleteGroupsException>(
            () => admin.DeleteGroupsAsync([Group], new DeleteGroupsOptions { RequestTimeout = Timeout }));
        Assert.Equal(ErrorCode.GroupIdNotFound, Assert.Single(unknown.Results).Error.Code);
    }

    private static ConsumerGroupState DescribeState(IAdminClient admin)
    {
        DescribeConsumerGroupsResult described = admin.DescribeConsumerGroupsAsync([Group],
            new DescribeConsumerGroupsOptions { RequestTimeout = Timeout }).GetAwaiter().GetResult();
        return Assert.Single(described.ConsumerGroupDescriptions).State;
    }

    private static async Task<Dictionary<int, long>> CommittedAsync(IAdminClient admin)
    {
        List<ListConsumerGroupOffsetsResult> results = await admin.ListConsumerGroupOffsetsAsync(
            [
                new ConsumerGroupTopicPartitions(Group,
                    [.. Enumerable.Range(0, 3).Select(p => new TopicPartition(Topic, p))]),
            ],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = Timeout });
        return Assert.Single(results).Partitions
            .Where(p => p.Offset != Offset.Unset)
            .ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }
}
