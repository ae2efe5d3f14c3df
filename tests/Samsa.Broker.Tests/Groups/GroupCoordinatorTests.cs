using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Groups;
using Samsa.Broker.Handlers;
using Samsa.Broker.Tests.Handlers;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Groups;

/// <summary>
/// The group coordinator over a one-node cluster in memory with a fake clock: timers (session, rebalance, initial
/// delay, offset expiry) fire only when the test advances time, and loading replays what was written.
/// </summary>
public sealed partial class GroupCoordinatorTests
{
    private static readonly GroupCoordinatorOptions Defaults = new()
    {
        OffsetsTopicNumPartitions = 3,
        InitialRebalanceDelay = TimeSpan.Zero,
        OffsetsRetention = TimeSpan.FromMinutes(10),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Groups : IAsyncDisposable
    {
        private readonly bool _ownsFixture;

        private Groups(HandlerFixture fixture, GroupCoordinator coordinator, bool ownsFixture)
        {
            _ownsFixture = ownsFixture;
            Fixture = fixture;
            Coordinator = coordinator;
            Find = new FindCoordinatorHandler(coordinator, fixture.Loader);
            Join = new JoinGroupHandler(coordinator);
            Sync = new SyncGroupHandler(coordinator);
            Heartbeat = new HeartbeatHandler(coordinator);
            Leave = new LeaveGroupHandler(coordinator);
            Commit = new OffsetCommitHandler(coordinator, fixture.Loader);
            Fetch = new OffsetFetchHandler(coordinator);
        }

        public HandlerFixture Fixture { get; }

        public GroupCoordinator Coordinator { get; }

        public IApiHandler Find { get; }

        public IApiHandler Join { get; }

        public IApiHandler Sync { get; }

        public IApiHandler Heartbeat { get; }

        public IApiHandler Leave { get; }

        public IApiHandler Commit { get; }

        public IApiHandler Fetch { get; }

        public static async Task<Groups> StartAsync(GroupCoordinatorOptions? options = null,
            HandlerFixture? fixture = null)
        {
            bool owns = fixture is null;
            fixture ??= await HandlerFixture.StartAsync();
            var coordinator = new GroupCoordinator(fixture.Replicas, fixture.Loader, fixture.Controller,
                options ?? Defaults, fixture.Time, NullLogger.Instance);
            fixture.Loader.AddPublisher(coordinator);
            var groups = new Groups(fixture, coordinator, owns);
            FindCoordinatorResponse found =
                await HandlerFixture.SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(
                    groups.Find, new FindCoordinatorRequest { Key = "any" }, 3);
            Assert.Equal(0, found.ErrorCode);
            await groups.LoadedAsync();
            return groups;
        }

        public Task LoadedAsync() => Eventually.TrueAsync(
            () => Coordinator.Shards.Count() >= 3 && Coordinator.Shards.All(s => s.Status == GroupStatus.Ok),
            TimeSpan.FromSeconds(10), "the partitions of __consumer_offsets to load");

        public Task<JoinGroupResponse> JoinAsync(string group, string memberId, int sessionMs = 10_000,
            int rebalanceMs = 20_000, string? instance = null) =>
            HandlerFixture.SendAsync<JoinGroupRequest, JoinGroupResponse>(Join, new JoinGroupRequest
            {
                GroupId = group, MemberId = memberId, SessionTimeoutMs = sessionMs, RebalanceTimeoutMs = rebalanceMs,
                GroupInstanceId = instance, ProtocolType = "consumer",
                Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = [1] }],
            }, 5);

        /// <summary>Joins a new dynamic member through the member-id-required round trip.</summary>
        public async Task<JoinGroupResponse> JoinNewAsync(string group, int sessionMs = 10_000,
            int rebalanceMs = 20_000)
        {
            JoinGroupResponse required = await JoinAsync(group, "", sessionMs, rebalanceMs);
            Assert.Equal((short)ErrorCode.MemberIdRequired, required.ErrorCode);
            return await JoinAsync(group, required.MemberId, sessionMs, rebalanceMs);
        }

        public Task<SyncGroupResponse> SyncAsync(string group, string memberId, int generation,
            params (string Member, byte[] Assignment)[] assignments) =>
            HandlerFixture.SendAsync<SyncGroupRequest, SyncGroupResponse>(Sync, new SyncGroupRequest
            {
                GroupId = group, MemberId = memberId, GenerationId = generation,
                Assignments = [.. assignments.Select(a => new SyncGroupRequest.SyncGroupRequestAssignment
                    { MemberId = a.Member, Assignment = a.Assignment })],
            }, 3);

        public async Task<short> HeartbeatAsync(string group, string memberId, int generation) =>
            (await HandlerFixture.SendAsync<HeartbeatRequest, HeartbeatResponse>(Heartbeat,
                new HeartbeatRequest { GroupId = group, MemberId = memberId, GenerationId = generation }, 3)).ErrorCode;

        public async Task<short> CommitAsync(string group, string memberId, int generation, long offset)
        {
            OffsetCommitResponse response = await HandlerFixture.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
                Commit, new OffsetCommitRequest
                {
                    GroupId = group, MemberId = memberId, GenerationIdOrMemberEpoch = generation,
                    Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic
                    {
                        Name = "t",
                        Partitions =
                        [
                            new OffsetCommitRequest.OffsetCommitRequestPartition
                            {
                                PartitionIndex = 0, CommittedOffset = offset,
                            },
                        ],
                    }],
                }, 8);
            return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
        }

        /// <summary>Commits offsets of several partitions in one request: the error code of each.</summary>
        public async Task<Dictionary<(string Topic, int Partition), short>> CommitAllAsync(string group,
            string memberId, int generation, params (string Topic, int Partition, long Offset)[] offsets)
        {
            OffsetCommitResponse response = await HandlerFixture.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
                Commit, new OffsetCommitRequest
                {
                    GroupId = group, MemberId = memberId, GenerationIdOrMemberEpoch = generation,
                    Topics =
                    [
                        .. offsets.GroupBy(o => o.Topic).Select(t => new OffsetCommitRequest.OffsetCommitRequestTopic
                        {
                            Name = t.Key,
                            Partitions = [.. t.Select(o => new OffsetCommitRequest.OffsetCommitRequestPartition
                                { PartitionIndex = o.Partition, CommittedOffset = o.Offset })],
                        }),
                    ],
                }, 9);
            Assert.Equal(offsets.Length, response.Topics.Sum(t => t.Partitions.Count));
            return response.Topics
                .SelectMany(t => t.Partitions.Select(p => (Key: (t.Name, p.PartitionIndex), p.ErrorCode)))
                .ToDictionary(e => e.Key, e => e.ErrorCode);
        }

        public async Task<long> CommittedAsync(string group, string topic = "t", int partition = 0)
        {
            OffsetFetchResponse response = await HandlerFixture.SendAsync<OffsetFetchRequest, OffsetFetchResponse>(
                Fetch, new OffsetFetchRequest
                {
                    Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup
                    {
                        GroupId = group,
                        Topics =
                        [
                            new OffsetFetchRequest.OffsetFetchRequestTopics
                            {
                                Name = topic, PartitionIndexes = [partition],
                            },
                        ],
                    }],
                }, 8);
            OffsetFetchResponse.OffsetFetchResponseGroup result = Assert.Single(response.Groups);
            Assert.Equal(0, result.ErrorCode);
            return Assert.Single(Assert.Single(result.Topics).Partitions).CommittedOffset;
        }

        public ValueTask DisposeAsync()
        {
            Coordinator.Shutdown();
            return _ownsFixture ? Fixture.DisposeAsync() : ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_single_member_joins_syncs_and_heartbeats_then_expires_after_its_session_timeout()
    {
        await using Groups groups = await Groups.StartAsync();
        JoinGroupResponse joined = await groups.JoinNewAsync("g", sessionMs: 10_000);
        Assert.Equal(0, joined.ErrorCode);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(joined.MemberId, joined.Leader);
        Assert.Single(joined.Members);
        SyncGroupResponse synced = await groups.SyncAsync("g", joined.MemberId, 1, (joined.MemberId, [7]));
        Assert.Equal([7], synced.Assignment);

        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await groups.HeartbeatAsync("g", joined.MemberId, 1));
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(9));   // 18 s after the sync, 9 s after the heartbeat
        Assert.Equal(0, await groups.HeartbeatAsync("g", joined.MemberId, 1));
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await groups.HeartbeatAsync("g", joined.MemberId, 1));
    }

    [Fact]
    public async Task A_member_that_does_not_rejoin_is_removed_when_the_rebalance_timeout_passes()
    {
        await using Groups groups = await Groups.StartAsync();
        JoinGroupResponse first = await groups.JoinNewAsync("g", sessionMs: 30_000, rebalanceMs: 5_000);
        await groups.SyncAsync("g", first.MemberId, 1, (first.MemberId, [1]));

        // A second member starts a rebalance; the first is told to rejoin but never does.
        JoinGroupResponse required = await groups.JoinAsync("g", "", 30_000, 5_000);
        Task<JoinGroupResponse> second = groups.JoinAsync("g", required.MemberId, 30_000, 5_000);
        Assert.Equal((short)ErrorCode.RebalanceInProgress, await groups.HeartbeatAsync("g", first.MemberId, 1));
        Assert.False(second.IsCompleted);
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(5));
        JoinGroupResponse completed = await second.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, completed.ErrorCode);
        Assert.Equal(2, completed.GenerationId);
        Assert.Equal(required.MemberId, completed.Leader);
        Assert.Equal([required.MemberId], completed.Members.Select(m => m.MemberId));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await groups.HeartbeatAsync("g", first.MemberId, 1));
    }

    [Fact]
    public async Task The_first_rebalance_of_a_new_group_waits_for_the_initial_delay()
    {
        await using Groups groups =
            await Groups.StartAsync(Defaults with { InitialRebalanceDelay = TimeSpan.FromSeconds(3) });
        JoinGroupResponse required = await groups.JoinAsync("g", "");
        Task<JoinGroupResponse> join = groups.JoinAsync("g", required.MemberId);
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(join.IsCompleted);
        groups.Fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await join.WaitAsync(TimeSpan.FromSeconds(10), Ct)).ErrorCode);
    }

    [Fact]
    public async Task Offsets_of_a_group_without_members_expire_after_the_retention_and_stay_gone_after_a_reload()
    {
        await using Groups groups = await Groups.StartAsync();
        await groups.Fixture.CreateTopicAsync("t");
        Assert.Equal(0, await groups.CommitAsync("standalone", "", -1, 42));
        Assert.Equal(42, await groups.CommittedAsync("standalone"));
        groups.Fixture.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(42, await groups.CommittedAsync("standalone"));
        groups.Fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(-1, await groups.CommittedAsync("standalone"));

        // A classic group keeps its offsets while it has members, and for the retention after it empties.
        JoinGroupResponse member = await groups.JoinNewAsync("classic", sessionMs: 300_000);
        await groups.SyncAsync("classic", member.MemberId, 1, (member.MemberId, [1]));
        Assert.Equal(0, await groups.CommitAsync("classic", member.MemberId, 1, 7));
        for (int i = 0; i < 6; i++)
        {
            groups.Fixture.Time.Advance(TimeSpan.FromMinutes(2));   // heartbeats keep it alive past the retention
            Assert.Equal(0, await groups.HeartbeatAsync("classic", member.MemberId, 1));
        }
        Assert.Equal(7, await groups.CommittedAsync("classic"));
        await HandlerFixture.SendAsync<LeaveGroupRequest, LeaveGroupResponse>(groups.Leave,
            new LeaveGroupRequest { GroupId = "classic", MemberId = member.MemberId }, 1);
        groups.Fixture.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(7, await groups.CommittedAsync("classic"));
        groups.Fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(-1, await groups.CommittedAsync("classic"));

        // A new coordinator over the same logs loads the tombstones: nothing comes back.
        groups.Coordinator.Shutdown();
        await using Groups reloaded = await Groups.StartAsync(fixture: groups.Fixture);
        Assert.Equal(-1, await reloaded.CommittedAsync("standalone"));
        Assert.Equal(-1, await reloaded.CommittedAsync("classic"));
    }

    [Fact]
    public async Task A_new_coordinator_loads_offsets_and_a_stable_group_from_the_partition()
    {
        await using Groups groups = await Groups.StartAsync();
        await groups.Fixture.CreateTopicAsync("t");
        JoinGroupResponse member = await groups.JoinNewAsync("g", sessionMs: 30_000);
        await groups.SyncAsync("g", member.MemberId, 1, (member.MemberId, [9]));
        Assert.Equal(0, await groups.CommitAsync("g", member.MemberId, 1, 5));
        Assert.Equal(0, await groups.CommitAsync("g", member.MemberId, 1, 6));
        groups.Coordinator.Shutdown();

        await using Groups reloaded = await Groups.StartAsync(fixture: groups.Fixture);
        Assert.Equal(6, await reloaded.CommittedAsync("g"));
        // The member is back as it was, with its assignment, and must heartbeat within its session timeout.
        Assert.Equal(0, await reloaded.HeartbeatAsync("g", member.MemberId, 1));
        SyncGroupResponse again = await reloaded.SyncAsync("g", member.MemberId, 1);
        Assert.Equal([9], again.Assignment);
        reloaded.Fixture.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await reloaded.HeartbeatAsync("g", member.MemberId, 1));
    }

    [Fact]
    public async Task Deleting_a_topic_deletes_the_offsets_committed_for_it()
    {
        await using Groups groups = await Groups.StartAsync();
        await groups.Fixture.CreateTopicAsync("t");
        Assert.Equal(0, await groups.CommitAsync("g", "", -1, 12));
        Assert.Equal(12, await groups.CommittedAsync("g"));
        await groups.Fixture.Controller.DeleteTopicsAsync(
            [new Samsa.Metadata.Controller.TopicToDelete("t", Guid.Empty)], Ct);
        Assert.Equal(-1, await groups.CommittedAsync("g"));

        groups.Coordinator.Shutdown();
        await using Groups reloaded = await Groups.StartAsync(fixture: groups.Fixture);
        Assert.Equal(-1, await reloaded.CommittedAsync("g"));
    }

    [Fact]
    public async Task Offsets_for_a_missing_topic_or_partition_are_refused_and_the_others_of_the_request_committed()
    {
        await using Groups groups = await Groups.StartAsync();
        await groups.Fixture.CreateTopicAsync("t", partitions: 2);
        const short unknown = (short)ErrorCode.UnknownTopicOrPartition;

        // No group yet (generation -1, no member id): t-2 lies past the topic's two partitions.
        Dictionary<(string, int), short> errors = await groups.CommitAllAsync("standalone", "", -1,
            ("t", 0, 10), ("missing", 0, 11), ("t", 1, 12), ("t", 2, 13));
        Assert.Equal(0, errors[("t", 0)]);
        Assert.Equal(0, errors[("t", 1)]);
        Assert.Equal(unknown, errors[("t", 2)]);
        Assert.Equal(unknown, errors[("missing", 0)]);
        Assert.Equal(10, await groups.CommittedAsync("standalone", "t", 0));
        Assert.Equal(12, await groups.CommittedAsync("standalone", "t", 1));
        Assert.Equal(-1, await groups.CommittedAsync("standalone", "t", 2));
        Assert.Equal(-1, await groups.CommittedAsync("standalone", "missing", 0));

        // The topics are checked before the group: a request with only missing ones never reaches it.
        errors = await groups.CommitAllAsync("", "", -1, ("missing", 0, 1), ("t", 0, 1));
        Assert.Equal((short)ErrorCode.InvalidGroupId, errors[("t", 0)]);
        Assert.Equal(unknown, errors[("missing", 0)]);
        errors = await groups.CommitAllAsync("", "", -1, ("missing", 0, 1), ("t", 5, 1));
        Assert.All(errors.Values, e => Assert.Equal(unknown, e));

        // A member of a classic group, at its generation and at a stale one.
        JoinGroupResponse member = await groups.JoinNewAsync("classic", sessionMs: 30_000);
        await groups.SyncAsync("classic", member.MemberId, 1, (member.MemberId, [1]));
        errors = await groups.CommitAllAsync("classic", member.MemberId, 1, ("t", 0, 20), ("missing", 3, 21));
        Assert.Equal(0, errors[("t", 0)]);
        Assert.Equal(unknown, errors[("missing", 3)]);
        Assert.Equal(20, await groups.CommittedAsync("classic", "t", 0));
        errors = await groups.CommitAllAsync("classic", member.MemberId, 7, ("t", 0, 22), ("missing", 3, 23));
        Assert.Equal((short)ErrorCode.IllegalGeneration, errors[("t", 0)]);
        Assert.Equal(unknown, errors[("missing", 3)]);
        Assert.Equal(20, await groups.CommittedAsync("classic", "t", 0));

        // A member of a consumer group (KIP-848), at its epoch and at a stale one.
        var heartbeat = new ConsumerGroupHeartbeatHandler(groups.Coordinator, groups.Fixture.Loader);
        ConsumerGroupHeartbeatResponse joined = await HandlerFixture.SendAsync<ConsumerGroupHeartbeatRequest,
            ConsumerGroupHeartbeatResponse>(heartbeat, new ConsumerGroupHeartbeatRequest
            {
                GroupId = "kip848", MemberId = "m", MemberEpoch = 0, RebalanceTimeoutMs = 10_000,
                SubscribedTopicNames = ["t"], TopicPartitions = [],
            }, 1);
        Assert.Equal(0, joined.ErrorCode);
        errors = await groups.CommitAllAsync("kip848", "m", joined.MemberEpoch, ("t", 1, 30), ("missing", 0, 31));
        Assert.Equal(0, errors[("t", 1)]);
        Assert.Equal(unknown, errors[("missing", 0)]);
        Assert.Equal(30, await groups.CommittedAsync("kip848", "t", 1));
        errors = await groups.CommitAllAsync("kip848", "m", joined.MemberEpoch + 5, ("t", 1, 32), ("missing", 0, 33));
        Assert.Equal((short)ErrorCode.StaleMemberEpoch, errors[("t", 1)]);
        Assert.Equal(unknown, errors[("missing", 0)]);
        Assert.Equal(30, await groups.CommittedAsync("kip848", "t", 1));
    }
}
