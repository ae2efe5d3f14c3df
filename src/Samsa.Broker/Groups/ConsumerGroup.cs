namespace Samsa.Broker.Groups;

/// <summary>
/// A group on the consumer protocol of KIP-848: members heartbeat (ConsumerGroupHeartbeat) with their
/// subscription and the partitions they own; the coordinator computes the target assignment with a server-side
/// assignor whenever the group epoch moves (a member joins or leaves, a subscription or a subscribed topic
/// changes), and leads each member to its target one heartbeat at a time: partitions it must give up are revoked
/// first, and it gets a partition only once no other member owns it.
/// </summary>
/// <remarks>
/// Everything runs under <see cref="Group.Lock"/>, timers included (session timeouts; the rebalance timeout a
/// member has to give up revoked partitions). Every change is written to <c>__consumer_offsets</c> with Kafka's
/// consumer-group records (<see cref="ConsumerGroupRecords"/>), in the order it happened, and a heartbeat is
/// answered once its records are in the log; a coordinator that loads the partition rebuilds the group, and its
/// members carry on at their epochs.
/// </remarks>
internal sealed partial class ConsumerGroup : Group
{
    private readonly Dictionary<string, ConsumerGroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<TopicIdPartition>> _target = new(StringComparer.Ordinal);
    private readonly List<(byte[] Key, byte[]? Value)> _records = [];
    private long _subscriptionFingerprint;
    private int _storedGroupEpoch;
    private bool _membershipChanged;
    private bool _dead;

    public ConsumerGroup(string groupId, CoordinatorShard shard) : base(groupId, shard)
    {
        EmptySinceMs = shard.NowMs;
    }

    public override string TypeName => "consumer";

    public override string ProtocolType => "consumer";

    public int GroupEpoch { get; private set; }

    public int AssignmentEpoch { get; private set; }

    public string AssignorName { get; private set; } = ServerAssignor.Uniform;

    public IReadOnlyCollection<ConsumerGroupMember> Members => _members.Values;

    public IReadOnlyDictionary<string, HashSet<TopicIdPartition>> Target => _target;

    public override GroupState State
    {
        get
        {
            if (_dead) return GroupState.Dead;
            if (_members.Count == 0) return GroupState.Empty;
            if (GroupEpoch > AssignmentEpoch) return GroupState.Assigning;
            foreach (ConsumerGroupMember member in _members.Values)
            {
                if (member.MemberEpoch != AssignmentEpoch || member.State != MemberReconciliation.Stable)
                    return GroupState.Reconciling;
            }
            return GroupState.Stable;
        }
    }

    private TimeProvider Time => Shard.Time;

    private GroupCoordinatorOptions Options => Shard.Options;

    public override void Shutdown(GroupStatus status)
    {
        foreach (ConsumerGroupMember member in _members.Values) StopTimers(member);
        _members.Clear();
        _staticMembers.Clear();
        _dead = true;
    }

    /// <summary>Handles a ConsumerGroupHeartbeat: join (epoch 0), leave (-1, or -2 for a static member), or
    /// beat.</summary>
    /// <param name="request">The heartbeat.</param>
    /// <param name="clientId">The client id of the request header.</param>
    /// <param name="clientHost">The client's address, as Kafka shows it ("/127.0.0.1").</param>
    /// <param name="image">The metadata image subscriptions resolve against.</param>
    /// <param name="stored">Completes when the records of what changed are as durable as the log makes them;
    /// Ok, or the status to answer instead.</param>
    public GroupResult<ConsumerGroupHeartbeatResponse> Heartbeat(ConsumerGroupHeartbeatRequest request,
        string clientId, string clientHost, MetadataImage image, out ValueTask<GroupStatus> stored)
    {
        GroupResult<ConsumerGroupHeartbeatResponse> result = HeartbeatCore(request, clientId, clientHost, image);
        stored = Flush();
        return result;
    }

    private GroupResult<ConsumerGroupHeartbeatResponse> HeartbeatCore(ConsumerGroupHeartbeatRequest request,
        string clientId, string clientHost, MetadataImage image)
    {
        if (_dead) return Failed(GroupStatus.CoordinatorNotAvailable, "the group was deleted");
        if (request.ServerAssignor is { } assignor && !ServerAssignor.IsKnown(assignor))
            return Failed(GroupStatus.UnsupportedAssignor, $"no server assignor named {assignor}: uniform, range");

        ConsumerGroupMember? member;
        if (request.MemberEpoch == 0)
        {
            GroupStatus joined = Join(request, out member);
            if (joined != GroupStatus.Ok) return Failed(joined, null);
        }
        else if (request.MemberEpoch is -1 or -2)
        {
            return Leave(request);
        }
        else if (!TryFindMember(request, out member, out GroupResult<ConsumerGroupHeartbeatResponse> refused))
        {
            return refused;
        }

        bool subscriptionChanged = UpdateMember(member!, request, clientId, clientHost);
        AdvanceGroupEpoch(image, subscriptionChanged);
        ReconcileAndRecord(member!, request);
        return GroupResult<ConsumerGroupHeartbeatResponse>.Ok(HeartbeatResponse(member!, request));
    }

    /// <summary>The member a beat (epoch above 0) comes from: at its epoch, or at its previous one while it owns
    /// only partitions it was assigned (it may have missed the response that moved it on).</summary>
    private bool TryFindMember(ConsumerGroupHeartbeatRequest request, out ConsumerGroupMember? member,
        out GroupResult<ConsumerGroupHeartbeatResponse> refused)
    {
        refused = default;
        if (!_members.TryGetValue(request.MemberId, out member) || member.LeftTemporarily)
        {
            refused = Failed(GroupStatus.UnknownMemberId, $"member {request.MemberId} is not in group {GroupId}");
            return false;
        }
        if (request.MemberEpoch != member.MemberEpoch
            && !(request.MemberEpoch == member.PreviousMemberEpoch && OwnsOnlyAssigned(member, request)))
        {
            refused = Failed(GroupStatus.FencedMemberEpoch,
                $"member epoch {request.MemberEpoch} is not the member's epoch {member.MemberEpoch}");
            return false;
        }
        return true;
    }

    /// <summary>Takes the client's details and subscription from the heartbeat, refreshes the session, and writes
    /// the member record if anything changed. True when the subscription changed.</summary>
    private bool UpdateMember(ConsumerGroupMember member, ConsumerGroupHeartbeatRequest request, string clientId,
        string clientHost)
    {
        bool memberChanged = request.MemberEpoch == 0 || member.ClientId != clientId || member.ClientHost != clientHost
            || (request.RackId is not null && request.RackId != member.RackId)
            || (request.RebalanceTimeoutMs > 0
                && request.RebalanceTimeoutMs != (int)member.RebalanceTimeout.TotalMilliseconds)
            || (request.ServerAssignor is not null && request.ServerAssignor != member.ServerAssignor);
        member.ClientId = clientId;
        member.ClientHost = clientHost;
        if (request.RackId is not null) member.RackId = request.RackId;
        if (request.RebalanceTimeoutMs > 0)
            member.RebalanceTimeout = TimeSpan.FromMilliseconds(request.RebalanceTimeoutMs);
        if (request.ServerAssignor is not null) member.ServerAssignor = request.ServerAssignor;
        bool subscriptionChanged = false;
        if (request.SubscribedTopicNames is { } names && !SameTopics(member.SubscribedTopicNames, names))
        {
            member.SubscribedTopicNames = [.. names];
            subscriptionChanged = true;
        }
        if (request.SubscribedTopicRegex is { } regex && regex != member.SubscribedTopicRegex)
        {
            member.SubscribedTopicRegex = regex.Length == 0 ? null : regex;
            subscriptionChanged = true;
        }
        RefreshSession(member);
        if (memberChanged || subscriptionChanged)
            _records.Add(ConsumerGroupRecords.Member(GroupId, member.MemberId, member));
        return subscriptionChanged;
    }

    /// <summary>Moves the group epoch on when membership, a subscription or a subscribed topic changed, and
    /// computes the new target assignment while the assignment lags the group epoch.</summary>
    private void AdvanceGroupEpoch(MetadataImage image, bool subscriptionChanged)
    {
        long fingerprint = SubscriptionFingerprint(image);
        // One new epoch per change, however many reasons (a removal may already have moved it).
        bool changed = subscriptionChanged || _membershipChanged || fingerprint != _subscriptionFingerprint;
        if (changed && GroupEpoch == AssignmentEpoch) GroupEpoch++;
        _membershipChanged = false;
        if (GroupEpoch > AssignmentEpoch) ComputeTarget(image, fingerprint);
    }

    /// <summary>Leads the member one step towards its target and writes its current assignment if that step (or a
    /// join) changed it.</summary>
    private void ReconcileAndRecord(ConsumerGroupMember member, ConsumerGroupHeartbeatRequest request)
    {
        HashSet<TopicIdPartition>? owned = request.TopicPartitions is null ? null : ToSet(request.TopicPartitions);
        (int epoch, MemberReconciliation state, int assigned, int revoking) =
            (member.MemberEpoch, member.State, member.Assigned.Count, member.Revoking.Count);
        HashSet<TopicIdPartition> before = member.Assigned;
        Reconcile(member, owned);
        if (request.MemberEpoch == 0 || epoch != member.MemberEpoch || state != member.State
            || assigned != member.Assigned.Count || revoking != member.Revoking.Count
            || !before.SetEquals(member.Assigned))
        {
            _records.Add(ConsumerGroupRecords.Current(GroupId, member.MemberId, member));
        }
    }

    /// <summary>The answer to a beat: the member's epoch, and its assignment when it has not had it yet, sent a
    /// full request, or beat at another epoch than the one it now has.</summary>
    private ConsumerGroupHeartbeatResponse HeartbeatResponse(ConsumerGroupMember member,
        ConsumerGroupHeartbeatRequest request)
    {
        var response = new ConsumerGroupHeartbeatResponse
        {
            MemberId = member.MemberId,
            MemberEpoch = member.MemberEpoch,
            HeartbeatIntervalMs = (int)Options.ConsumerHeartbeatInterval.TotalMilliseconds,
        };
        bool fullRequest = request.TopicPartitions is not null && request.SubscribedTopicNames is not null;
        if (!member.AssignmentSent || fullRequest || request.MemberEpoch != member.MemberEpoch)
        {
            response.Assignment = new ConsumerGroupHeartbeatResponse.AssignmentData();
            foreach ((Guid topicId, List<int> partitions) in ByTopic(member.Assigned))
            {
                response.Assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.TopicPartitions
                {
                    TopicId = topicId, Partitions = partitions,
                });
            }
            member.AssignmentSent = true;
        }
        return response;
    }

    private GroupStatus Join(ConsumerGroupHeartbeatRequest request, out ConsumerGroupMember? member)
    {
        member = null;
        string memberId = request.MemberId.Length > 0 ? request.MemberId : NewMemberId();
        if (request.InstanceId is { } instance && _staticMembers.TryGetValue(instance, out string? previousId)
            && previousId != memberId)
        {
            ConsumerGroupMember previous = _members[previousId];
            // KIP-848: a static member takes over its earlier incarnation's assignment, once that one has left
            // with epoch -2 (or its session lapsed); until then the instance id is still in use.
            if (!previous.LeftTemporarily) return GroupStatus.UnreleasedInstanceId;
            _members.Remove(previousId);
            previous.MemberId = memberId;
            previous.LeftTemporarily = false;
            previous.AssignmentSent = false;
            _members[memberId] = previous;
            _staticMembers[instance] = memberId;
            if (_target.Remove(previousId, out HashSet<TopicIdPartition>? target)) _target[memberId] = target;
            _records.Add(ConsumerGroupRecords.Current(GroupId, previousId, null));
            _records.Add(ConsumerGroupRecords.Target(GroupId, previousId, null));
            _records.Add(ConsumerGroupRecords.Member(GroupId, previousId, null));
            _records.Add(ConsumerGroupRecords.Member(GroupId, memberId, previous));
            if (target is not null) _records.Add(ConsumerGroupRecords.Target(GroupId, memberId, target));
            _records.Add(ConsumerGroupRecords.Current(GroupId, memberId, previous));
            member = previous;
            return GroupStatus.Ok;
        }
        if (_members.TryGetValue(memberId, out member))
        {
            // The same member joining again (after an error on its side): it gets its whole assignment again.
            member.LeftTemporarily = false;
            member.AssignmentSent = false;
            return GroupStatus.Ok;
        }
        if (request.SubscribedTopicNames is null && request.SubscribedTopicRegex is null)
            return GroupStatus.InvalidRequest;
        if (_members.Count >= Options.ConsumerMaxSize) return GroupStatus.GroupMaxSizeReached;
        member = new ConsumerGroupMember(this, memberId) { InstanceId = request.InstanceId, AssignmentSent = false };
        _members[memberId] = member;
        if (request.InstanceId is { } id) _staticMembers[id] = memberId;
        _membershipChanged = true;   // the group epoch moves once, with the subscription
        EmptySinceMs = -1;
        StopExpiry();
        return GroupStatus.Ok;
    }

    private GroupResult<ConsumerGroupHeartbeatResponse> Leave(ConsumerGroupHeartbeatRequest request)
    {
        if (!_members.TryGetValue(request.MemberId, out ConsumerGroupMember? member))
            return Failed(GroupStatus.UnknownMemberId, $"member {request.MemberId} is not in group {GroupId}");
        if (request.MemberEpoch == -2 && member.InstanceId is not null)
        {
            // A static member going away for a while: its partitions wait for it until its session lapses.
            member.LeftTemporarily = true;
            RefreshSession(member);
        }
        else
        {
            RemoveMember(member);
        }
        return GroupResult<ConsumerGroupHeartbeatResponse>.Ok(
            new ConsumerGroupHeartbeatResponse { MemberId = request.MemberId, MemberEpoch = request.MemberEpoch });
    }

    private void RemoveMember(ConsumerGroupMember member)
    {
        _records.Add(ConsumerGroupRecords.Current(GroupId, member.MemberId, null));
        _records.Add(ConsumerGroupRecords.Target(GroupId, member.MemberId, null));
        _records.Add(ConsumerGroupRecords.Member(GroupId, member.MemberId, null));
        StopTimers(member);
        _members.Remove(member.MemberId);
        _target.Remove(member.MemberId);
        if (member.InstanceId is { } instance && _staticMembers.TryGetValue(instance, out string? id)
            && id == member.MemberId)
        {
            _staticMembers.Remove(instance);
        }
        GroupEpoch++;
        if (_members.Count == 0)
        {
            EmptySinceMs = Shard.NowMs;
            Shard.OnGroupEmpty(this);
        }
    }

    private static bool OwnsOnlyAssigned(ConsumerGroupMember member, ConsumerGroupHeartbeatRequest request)
    {
        if (request.TopicPartitions is null) return true;
        foreach (TopicIdPartition tp in ToSet(request.TopicPartitions))
        {
            if (!member.Assigned.Contains(tp)) return false;
        }
        return true;
    }

    // ---- commits -----------------------------------------------------------------------------------------------

    /// <summary>
    /// OffsetCommit against a consumer group: a member at its current epoch (StaleMemberEpoch otherwise), or epoch
    /// -1 without a member id while the group is empty.
    /// </summary>
    public GroupStatus ValidateCommit(string memberId, int memberEpoch)
    {
        if (_dead) return GroupStatus.CoordinatorNotAvailable;
        if (memberEpoch < 0 && memberId.Length == 0)
            return _members.Count == 0 ? GroupStatus.Ok : GroupStatus.UnknownMemberId;
        if (!_members.TryGetValue(memberId, out ConsumerGroupMember? member)) return GroupStatus.UnknownMemberId;
        if (memberEpoch != member.MemberEpoch) return GroupStatus.StaleMemberEpoch;
        return GroupStatus.Ok;
    }

    private static GroupResult<ConsumerGroupHeartbeatResponse> Failed(GroupStatus status, string? message) =>
        GroupResult<ConsumerGroupHeartbeatResponse>.Failed(status, message);
}
