using ErrorCode = Samsa.Protocol.ErrorCode;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// Group requests a client should never send, over a raw connection: each gets Kafka's error code, and the
/// coordinator keeps serving a real consumer group meanwhile.
/// </summary>
public sealed class GroupBadInputTests
{
    private const string Group = "bad-input";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private int _correlationId;

    [Fact]
    public async Task Bad_group_requests_get_kafkas_error_codes_and_other_groups_keep_working()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        const string topic = "bad-input-control";
        await ClassicGroupTests.CreateTopicAsync(cluster, topic);
        var ledger = new GroupMember.Ledger();
        using var control = new GroupMember("control", ClassicGroupTests.Config(cluster, "bad-input-control-group"),
            topic, ledger);

        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        FindCoordinatorResponse coordinator = await SendAsync<FindCoordinatorResponse>(raw, ApiKey.FindCoordinator, 3,
            new FindCoordinatorRequest { Key = Group });
        Assert.Equal(0, coordinator.ErrorCode);

        await SessionTimeoutsOutOfBoundsAreRefusedAsync(raw);
        await OddRebalanceTimeoutsHarmNothingAsync(raw);
        await MalformedJoinsAreRefusedAsync(raw);
        string memberId = await JoinAsTheLeaderAsync(raw);
        // A member of another protocol type cannot join it.
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol,
            (await JoinAsync(raw, "", 10_000, protocolType: "connect")).ErrorCode);
        await StaleGenerationsAndStrangersAreRefusedAsync(raw, memberId);
        await SyncAndHeartbeatAsync(raw, memberId);
        await BadCommitsAreRefusedAndAGoodOneTakenAsync(raw, memberId);

        // The control group consumed throughout.
        ClassicGroupTests.Fill(cluster, topic, 5);
        await Eventually.TrueAsync(() => ledger.DeliveredCount == 30, Deadline, "the control group to consume");
        Assert.Empty(control.Errors);
    }

    // Session timeouts outside group.min/max.session.timeout.ms.
    private async Task SessionTimeoutsOutOfBoundsAreRefusedAsync(RawKafkaConnection raw)
    {
        foreach (int session in new[] { 0, 1, -5, 999, int.MaxValue })
        {
            JoinGroupResponse join = await JoinAsync(raw, "", session);
            Assert.Equal((short)ErrorCode.InvalidSessionTimeout, join.ErrorCode);
        }
    }

    // Rebalance timeouts that make no sense are taken as they come (Kafka does not check them) and harm nothing:
    // a negative one completes the rebalance at once, the largest one is a timer that never fires here.
    private async Task OddRebalanceTimeoutsHarmNothingAsync(RawKafkaConnection raw)
    {
        foreach (int rebalance in new[] { -5, int.MaxValue })
        {
            string other = "bad-input-rebalance-" + (rebalance < 0 ? "negative" : "max");
            JoinGroupResponse first = await JoinAsync(raw, "", 10_000, group: other, rebalanceTimeoutMs: rebalance);
            Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
            JoinGroupResponse joinedOther = await JoinAsync(raw, first.MemberId, 10_000, group: other,
                rebalanceTimeoutMs: rebalance);
            Assert.Equal(0, joinedOther.ErrorCode);
            Assert.Equal(1, joinedOther.GenerationId);
        }
    }

    private async Task MalformedJoinsAreRefusedAsync(RawKafkaConnection raw)
    {
        // A member id the group never gave out.
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await JoinAsync(raw, "nobody-1234", 10_000)).ErrorCode);
        // An empty group id, an empty protocol type and no protocols.
        Assert.Equal((short)ErrorCode.InvalidGroupId,
            (await JoinAsync(raw, "", 10_000, group: "")).ErrorCode);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol,
            (await JoinAsync(raw, "", 10_000, protocolType: "")).ErrorCode);
        // Metadata larger than any group record may be.
        Assert.Equal((short)ErrorCode.InvalidRequest,
            (await JoinAsync(raw, "", 10_000, metadata: new byte[2 * 1024 * 1024])).ErrorCode);
    }

    /// <summary>A proper member: the member-id-required round trip, then generation 1 with itself as leader. Returns
    /// its member id.</summary>
    private async Task<string> JoinAsTheLeaderAsync(RawKafkaConnection raw)
    {
        JoinGroupResponse required = await JoinAsync(raw, "", 10_000);
        Assert.Equal((short)ErrorCode.MemberIdRequired, required.ErrorCode);
        string memberId = required.MemberId;
        Assert.False(string.IsNullOrEmpty(memberId));
        JoinGroupResponse joined = await JoinAsync(raw, memberId, 10_000);
        Assert.Equal(0, joined.ErrorCode);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(memberId, joined.Leader);
        return memberId;
    }

    // Stale and future generations, unknown members.
    private async Task StaleGenerationsAndStrangersAreRefusedAsync(RawKafkaConnection raw, string memberId)
    {
        SyncGroupResponse staleSync = await SendAsync<SyncGroupResponse>(raw, ApiKey.SyncGroup, 3,
            new SyncGroupRequest { GroupId = Group, GenerationId = 0, MemberId = memberId });
        Assert.Equal((short)ErrorCode.IllegalGeneration, staleSync.ErrorCode);
        Assert.Equal((short)ErrorCode.IllegalGeneration, (await HeartbeatAsync(raw, memberId, 7)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await HeartbeatAsync(raw, "stranger", 1)).ErrorCode);
    }

    private async Task SyncAndHeartbeatAsync(RawKafkaConnection raw, string memberId)
    {
        SyncGroupResponse synced = await SendAsync<SyncGroupResponse>(raw, ApiKey.SyncGroup, 3, new SyncGroupRequest
        {
            GroupId = Group, GenerationId = 1, MemberId = memberId,
            Assignments =
            [
                new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = memberId, Assignment = [0, 1] },
            ],
        });
        Assert.Equal(0, synced.ErrorCode);
        Assert.Equal([0, 1], synced.Assignment);
        Assert.Equal(0, (await HeartbeatAsync(raw, memberId, 1)).ErrorCode);
    }

    // Commits: a stale generation, a stranger, metadata over offset.metadata.max.bytes, then a good one.
    private async Task BadCommitsAreRefusedAndAGoodOneTakenAsync(RawKafkaConnection raw, string memberId)
    {
        Assert.Equal((short)ErrorCode.IllegalGeneration, await CommitAsync(raw, memberId, 0, ""));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await CommitAsync(raw, "stranger", 1, ""));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await CommitAsync(raw, "", -1, ""));   // not empty
        Assert.Equal((short)ErrorCode.OffsetMetadataTooLarge,
            await CommitAsync(raw, memberId, 1, new string('m', 5000)));
        Assert.Equal(0, await CommitAsync(raw, memberId, 1, "fine"));
    }

    // Retries while the group's partition of __consumer_offsets is loading or its coordinator moving, as clients do
    // (on a loaded machine the broker's own session can lapse and its partitions get a new leader epoch).
    private Task<JoinGroupResponse> JoinAsync(RawKafkaConnection raw, string memberId, int sessionTimeoutMs,
        string group = Group, string protocolType = "consumer", byte[]? metadata = null,
        int rebalanceTimeoutMs = 10_000)
        => Eventually.ValueAsync(
            () => JoinOnceAsync(raw, memberId, sessionTimeoutMs, group, protocolType, metadata, rebalanceTimeoutMs),
            response => response.ErrorCode is not ((short)ErrorCode.CoordinatorLoadInProgress
                or (short)ErrorCode.NotCoordinator or (short)ErrorCode.CoordinatorNotAvailable),
            Deadline, $"the coordinator of {group} to take a JoinGroup");

    private Task<JoinGroupResponse> JoinOnceAsync(RawKafkaConnection raw, string memberId, int sessionTimeoutMs,
        string group, string protocolType, byte[]? metadata, int rebalanceTimeoutMs) =>
        SendAsync<JoinGroupResponse>(raw, ApiKey.JoinGroup, 5, new JoinGroupRequest
        {
            GroupId = group,
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = rebalanceTimeoutMs,
            MemberId = memberId,
            ProtocolType = protocolType,
            Protocols = protocolType.Length == 0
                ? []
                : [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = metadata ?? [0, 1] }],
        });

    private Task<HeartbeatResponse> HeartbeatAsync(RawKafkaConnection raw, string memberId, int generation) =>
        SendAsync<HeartbeatResponse>(raw, ApiKey.Heartbeat, 3,
            new HeartbeatRequest { GroupId = Group, GenerationId = generation, MemberId = memberId });

    private async Task<short> CommitAsync(RawKafkaConnection raw, string memberId, int generation, string metadata)
    {
        OffsetCommitResponse response = await SendAsync<OffsetCommitResponse>(raw, ApiKey.OffsetCommit, 7,
            new OffsetCommitRequest
            {
                GroupId = Group, GenerationIdOrMemberEpoch = generation, MemberId = memberId,
                Topics =
                [
                    new OffsetCommitRequest.OffsetCommitRequestTopic
                    {
                        Name = "bad-input-control",
                        Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition
                            { PartitionIndex = 0, CommittedOffset = 1, CommittedMetadata = metadata }],
                    },
                ],
            });
        return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
    }

    private async Task<TResponse> SendAsync<TResponse>(RawKafkaConnection raw, ApiKey key, short version,
        IKafkaMessage request) where TResponse : IKafkaMessage<TResponse>
    {
        int correlationId = ++_correlationId;
        Assert.True(await raw.SendAsync(RawKafkaConnection.EncodeRequest(key, version, correlationId, request)),
            $"the broker closed the connection before {key} v{version}");
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null, $"the broker closed the connection instead of answering {key} v{version}");
        (int answered, TResponse response) = RawKafkaConnection.DecodeResponse<TResponse>(frame, key, version);
        Assert.Equal(correlationId, answered);
        return response;
    }
}
