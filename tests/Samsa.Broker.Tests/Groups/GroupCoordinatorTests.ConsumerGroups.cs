using Samsa.Broker.Groups;
using Samsa.Broker.Handlers;
using Samsa.Broker.Tests.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Groups;

// KIP-848 consumer groups: the coordinator assigns partitions itself, moving one from a member only once that member
// has given it up, and fences by member epoch.
public sealed partial class GroupCoordinatorTests
{
    [Fact]
    public async Task Consumer_group_members_get_partitions_and_keep_their_epoch_across_a_reload()
    {
        await using Groups groups =
            await Groups.StartAsync(Defaults with { ConsumerSessionTimeout = TimeSpan.FromSeconds(30) });
        await groups.Fixture.CreateTopicAsync("t", partitions: 4);
        Guid topicId = groups.Fixture.Topic("t").TopicId;
        var group = new Kip848Group(groups, topicId);

        await TwoMembersShareTheFourPartitionsAsync(group);

        // A stale epoch is fenced; an unknown member is unknown.
        Assert.Equal((short)ErrorCode.FencedMemberEpoch, (await group.BeatAsync("member-a", 7)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await group.BeatAsync("member-z", 3)).ErrorCode);

        // A new coordinator loads the group from the partition: both members carry on at epoch 2.
        groups.Coordinator.Shutdown();
        await using Groups reloaded = await Groups.StartAsync(groups.Coordinator.Options, groups.Fixture);
        group = new Kip848Group(reloaded, topicId);
        await BothMembersCarryOnAtEpoch2Async(group);
        await BothDescribeApisShowTwoMembersOfTwoPartitionsAsync(reloaded, group);

        // Leaving, then the session of the other lapsing, empties the group.
        Assert.Equal(-1, (await group.BeatAsync("member-a", -1)).MemberEpoch);
        reloaded.Fixture.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("Empty", (await group.DescribeAsync()).GroupState);
    }

    /// <summary>a joins and gets all four partitions; b joins, and gets two only once a has reported them
    /// revoked.</summary>
    private static async Task TwoMembersShareTheFourPartitionsAsync(Kip848Group group)
    {
        ConsumerGroupHeartbeatResponse a = await group.BeatAsync("member-a", 0, join: true);
        Assert.Equal(0, a.ErrorCode);
        Assert.Equal(1, a.MemberEpoch);
        Assert.Equal([0, 1, 2, 3], Assert.Single(a.Assignment!.TopicPartitions).Partitions);

        // b joins: a must give up two partitions before b gets them.
        ConsumerGroupHeartbeatResponse b = await group.BeatAsync("member-b", 0, join: true);
        Assert.Equal(2, b.MemberEpoch);
        Assert.Empty(b.Assignment!.TopicPartitions);
        ConsumerGroupHeartbeatResponse revoke = await group.BeatAsync("member-a", 1);
        Assert.Equal(1, revoke.MemberEpoch);
        List<int> kept = Assert.Single(revoke.Assignment!.TopicPartitions).Partitions;
        Assert.Equal(2, kept.Count);
        ConsumerGroupHeartbeatResponse stillWaiting = await group.BeatAsync("member-b", 2);
        Assert.True(stillWaiting.Assignment is null || stillWaiting.Assignment.TopicPartitions.Count == 0);
        ConsumerGroupHeartbeatResponse revoked = await group.BeatAsync("member-a", 1, owned: kept);
        Assert.Equal(2, revoked.MemberEpoch);
        ConsumerGroupHeartbeatResponse got = await group.BeatAsync("member-b", 2);
        Assert.Equal([0, 1, 2, 3], kept.Concat(Assert.Single(got.Assignment!.TopicPartitions).Partitions).Order());
    }

    private static async Task BothMembersCarryOnAtEpoch2Async(Kip848Group group)
    {
        ConsumerGroupHeartbeatResponse afterA = await group.BeatAsync("member-a", 2);
        Assert.Equal(0, afterA.ErrorCode);
        Assert.Equal(2, afterA.MemberEpoch);
        ConsumerGroupHeartbeatResponse afterB = await group.BeatAsync("member-b", 2);
        Assert.Equal(0, afterB.ErrorCode);
        Assert.Equal(2, afterB.MemberEpoch);
    }

    private static async Task BothDescribeApisShowTwoMembersOfTwoPartitionsAsync(Groups groups, Kip848Group group)
    {
        ConsumerGroupDescribeResponse.DescribedGroup described = await group.DescribeAsync();
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal(2, described.Members.Count);
        Assert.All(described.Members,
            m => Assert.Equal(2, Assert.Single(m.Assignment.TopicPartitions).Partitions.Count));

        // DescribeGroups describes it too, each member's assignment in the classic consumer protocol's format.
        DescribeGroupsResponse classicView =
            await HandlerFixture.SendAsync<DescribeGroupsRequest, DescribeGroupsResponse>(
                new DescribeGroupsHandler(groups.Coordinator), new DescribeGroupsRequest { Groups = ["kip848"] }, 5);
        DescribeGroupsResponse.DescribedGroup viewed = Assert.Single(classicView.Groups);
        Assert.Equal("consumer", viewed.ProtocolType);
        Assert.Equal("uniform", viewed.ProtocolData);
        Assert.Equal(2, viewed.Members.Count);
        Assert.All(viewed.Members, m => Assert.Equal(["t"], ConsumerProtocol.Topics(m.MemberMetadata)));
        Assert.All(viewed.Members, m => Assert.Equal(2 + 4 + 2 + 1 + 4 + 8 + 4, m.MemberAssignment.Length));
    }

    /// <summary>Members of consumer group "kip848", subscribed to topic t, through one coordinator's
    /// ConsumerGroupHeartbeat and ConsumerGroupDescribe handlers.</summary>
    private sealed class Kip848Group(Groups groups, Guid topicId)
    {
        private readonly ConsumerGroupHeartbeatHandler _heartbeat = new(groups.Coordinator, groups.Fixture.Loader);
        private readonly ConsumerGroupDescribeHandler _describe = new(groups.Coordinator, groups.Fixture.Loader);

        public Task<ConsumerGroupHeartbeatResponse> BeatAsync(string member, int epoch, List<int>? owned = null,
            bool join = false) =>
            HandlerFixture.SendAsync<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(_heartbeat,
                new ConsumerGroupHeartbeatRequest
                {
                    GroupId = "kip848", MemberId = member, MemberEpoch = epoch,
                    RebalanceTimeoutMs = join ? 10_000 : -1,
                    SubscribedTopicNames = join ? ["t"] : null,
                    TopicPartitions = owned is null
                        ? (join ? [] : null)
                        : [new() { TopicId = topicId, Partitions = owned }],
                }, 1);

        public async Task<ConsumerGroupDescribeResponse.DescribedGroup> DescribeAsync()
        {
            ConsumerGroupDescribeResponse described =
                await HandlerFixture.SendAsync<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>(
                    _describe, new ConsumerGroupDescribeRequest { GroupIds = ["kip848"] }, 0);
            return Assert.Single(described.Groups);
        }
    }

    [Fact]
    public async Task A_consumer_group_member_that_keeps_revoked_partitions_past_its_rebalance_timeout_is_removed()
    {
        await using Groups groups =
            await Groups.StartAsync(Defaults with { ConsumerSessionTimeout = TimeSpan.FromMinutes(5) });
        await groups.Fixture.CreateTopicAsync("t", partitions: 2);
        var heartbeat = new ConsumerGroupHeartbeatHandler(groups.Coordinator, groups.Fixture.Loader);

        Task<ConsumerGroupHeartbeatResponse> BeatAsync(string member, int epoch, bool join = false) =>
            HandlerFixture.SendAsync<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(heartbeat,
                new ConsumerGroupHeartbeatRequest
                {
                    GroupId = "slow", MemberId = member, MemberEpoch = epoch, RebalanceTimeoutMs = join ? 10_000 : -1,
                    SubscribedTopicNames = join ? ["t"] : null, TopicPartitions = join ? [] : null,
                }, 1);

        Assert.Equal(1, (await BeatAsync("a", 0, join: true)).MemberEpoch);
        Assert.Equal(2, (await BeatAsync("b", 0, join: true)).MemberEpoch);
        ConsumerGroupHeartbeatResponse revoke = await BeatAsync("a", 1);
        Assert.Single(Assert.Single(revoke.Assignment!.TopicPartitions).Partitions);

        // a never reports the partition gone; after its 10 s rebalance timeout it is out, and b gets both.
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, (await BeatAsync("a", 1)).ErrorCode);
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await BeatAsync("a", 1)).ErrorCode);
        ConsumerGroupHeartbeatResponse b = await BeatAsync("b", 2);
        Assert.Equal(3, b.MemberEpoch);
        Assert.Equal([0, 1], Assert.Single(b.Assignment!.TopicPartitions).Partitions);
    }
}
