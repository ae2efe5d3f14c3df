using Samsa.Protocol.CoordinatorRecords;

namespace Samsa.Broker.Groups;

// Writing the group to __consumer_offsets and rebuilding it from there.
internal sealed partial class ConsumerGroup
{
    // ---- persistence -------------------------------------------------------------------------------------------

    /// <summary>Appends what changed since the last flush (the group epoch last, as Kafka orders it).</summary>
    private ValueTask<GroupStatus> Flush()
    {
        if (GroupEpoch != _storedGroupEpoch)
        {
            _records.Insert(0, ConsumerGroupRecords.GroupEpoch(GroupId, GroupEpoch));
            _storedGroupEpoch = GroupEpoch;
        }
        if (_records.Count == 0) return new ValueTask<GroupStatus>(GroupStatus.Ok);
        var records = new List<(byte[] Key, byte[]? Value)>(_records);
        _records.Clear();
        return Shard.AppendAsync(records);
    }

    /// <summary>The tombstones that remove the group itself once it is empty (deleted or expired).</summary>
    public override void AddDeletionTombstones(List<(byte[] Key, byte[]? Value)> records)
    {
        records.Add(ConsumerGroupRecords.TargetEpoch(GroupId, null));
        records.Add(ConsumerGroupRecords.GroupEpoch(GroupId, null));
    }

    /// <summary>Rebuilds the group from its records (loading a partition of <c>__consumer_offsets</c>).</summary>
    public void Load(ConsumerGroupState state, MetadataImage image)
    {
        GroupEpoch = state.GroupEpoch;
        _storedGroupEpoch = state.GroupEpoch;
        AssignmentEpoch = state.AssignmentEpoch;
        foreach ((string memberId, ConsumerGroupMemberMetadataValue metadata) in state.Members)
        {
            var member = new ConsumerGroupMember(this, memberId)
            {
                InstanceId = metadata.InstanceId, RackId = metadata.RackId, ClientId = metadata.ClientId,
                ClientHost = metadata.ClientHost, SubscribedTopicNames = [.. metadata.SubscribedTopicNames],
                SubscribedTopicRegex = metadata.SubscribedTopicRegex,
                RebalanceTimeout = TimeSpan.FromMilliseconds(Math.Max(1, metadata.RebalanceTimeoutMs)),
                ServerAssignor = metadata.ServerAssignor, AssignmentSent = true,
            };
            if (state.Current.TryGetValue(memberId, out ConsumerGroupCurrentMemberAssignmentValue? current))
            {
                member.MemberEpoch = current.MemberEpoch;
                member.PreviousMemberEpoch = current.PreviousMemberEpoch;
                member.State = current.State is >= 0 and <= 2
                    ? (MemberReconciliation)current.State
                    : MemberReconciliation.Stable;
                member.Assigned = ConsumerGroupRecords.ToSet(current.AssignedPartitions);
                member.Revoking = ConsumerGroupRecords.ToSet(current.PartitionsPendingRevocation);
            }
            _members[memberId] = member;
            if (member.InstanceId is { } instance) _staticMembers[instance] = memberId;
            if (member.ServerAssignor is { } assignor) AssignorName = assignor;
            RefreshSession(member);
            if (member.State == MemberReconciliation.UnrevokedPartitions) StartRevocation(member);
        }
        foreach ((string memberId, HashSet<TopicIdPartition> target) in state.Targets)
        {
            if (_members.ContainsKey(memberId)) _target[memberId] = target;
        }
        _subscriptionFingerprint = SubscriptionFingerprint(image);
        EmptySinceMs = _members.Count == 0 ? Shard.NowMs : -1;
    }
}
