namespace Samsa.Broker.Groups;

// ListGroups, DescribeGroups, DeleteGroups and OffsetDelete for the groups of this shard.
internal sealed partial class CoordinatorShard
{
    /// <summary>Kafka's name for a state on the wire.</summary>
    public static string StateName(GroupState state) => state switch
    {
        GroupState.Empty => "Empty",
        GroupState.PreparingRebalance => "PreparingRebalance",
        GroupState.CompletingRebalance => "CompletingRebalance",
        GroupState.Stable => "Stable",
        GroupState.Assigning => "Assigning",
        GroupState.Reconciling => "Reconciling",
        _ => "Dead",
    };

    /// <summary>Adds this shard's live groups that pass the filters (empty filters pass all;
    /// case-insensitive).</summary>
    public void ListGroups(List<ListGroupsResponse.ListedGroup> into, IReadOnlyList<string> states,
        IReadOnlyList<string> types)
    {
        foreach (Group group in _groups.Values)
        {
            lock (group.Lock)
            {
                if (group.IsDead) continue;
                string state = StateName(group.State);
                if (states.Count > 0 && !ContainsIgnoreCase(states, state)) continue;
                if (types.Count > 0 && !ContainsIgnoreCase(types, group.TypeName)) continue;
                into.Add(new ListGroupsResponse.ListedGroup
                {
                    GroupId = group.GroupId, ProtocolType = group.ProtocolType, GroupState = state,
                    GroupType = group.TypeName,
                });
            }
        }
    }

    private static bool ContainsIgnoreCase(IReadOnlyList<string> values, string value)
    {
        foreach (string each in values)
        {
            if (string.Equals(each, value, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// Describes a group as Kafka does: members with their metadata and assignment only while Stable; an unknown
    /// group is described as Dead with no members.
    /// </summary>
    public DescribeGroupsResponse.DescribedGroup Describe(string groupId, short version)
    {
        var described = new DescribeGroupsResponse.DescribedGroup
        {
            GroupId = groupId, GroupState = "Dead", ProtocolType = "", ProtocolData = "",
        };
        if (!_groups.TryGetValue(groupId, out Group? group)) return described;
        lock (group.Lock)
        {
            if (group.IsDead) return described;
            described.GroupState = StateName(group.State);
            described.ProtocolType = group.ProtocolType;
            if (group is ConsumerGroup consumer)
            {
                DescribeConsumerGroup(consumer, described, version);
                return described;
            }
            if (group is not ClassicGroup classic) return described;
            bool stable = classic.State == GroupState.Stable;
            described.ProtocolData = stable ? classic.ProtocolName ?? "" : "";
            foreach (ClassicMember member in classic.Members)
            {
                described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = version >= 4 ? member.GroupInstanceId : null,
                    ClientId = member.ClientId,
                    ClientHost = member.ClientHost,
                    MemberMetadata = stable ? member.MetadataFor(classic.ProtocolName) ?? [] : [],
                    MemberAssignment = stable ? member.Assignment : [],
                });
            }
        }
        return described;
    }

    // A consumer group through DescribeGroups, as Kafka answers it: each member's subscription and current
    // assignment in the classic consumer protocol's format, the assignor as the protocol.
    private void DescribeConsumerGroup(ConsumerGroup group, DescribeGroupsResponse.DescribedGroup described,
        short version)
    {
        MetadataImage image = _metadata.Current;
        described.ProtocolData = group.AssignorName;
        foreach (ConsumerGroupMember member in group.Members)
        {
            var topics = new List<(string Topic, List<int> Partitions)>();
            foreach ((Guid topicId, List<int> partitions) in ConsumerGroup.ByTopic(member.Assigned))
            {
                if (image.Topics.TryGetTopic(topicId, out TopicImage? topic)) topics.Add((topic.Name, partitions));
            }
            described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
            {
                MemberId = member.MemberId,
                GroupInstanceId = version >= 4 ? member.InstanceId : null,
                ClientId = member.ClientId,
                ClientHost = member.ClientHost,
                MemberMetadata = ConsumerProtocol.WriteSubscription(member.SubscribedTopicNames),
                MemberAssignment = ConsumerProtocol.WriteAssignment(topics),
            });
        }
    }

    /// <summary>Deletes an empty group and its offsets: GroupIdNotFound, NonEmptyGroup or Ok.</summary>
    public ValueTask<GroupStatus> DeleteGroupAsync(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out Group? group))
            return new ValueTask<GroupStatus>(GroupStatus.GroupIdNotFound);
        lock (group.Lock)
        {
            if (group.IsDead) return new ValueTask<GroupStatus>(GroupStatus.GroupIdNotFound);
            if (!group.IsEmpty) return new ValueTask<GroupStatus>(GroupStatus.NonEmptyGroup);
            var records = new List<(byte[] Key, byte[]? Value)>(group.Offsets.Count + 1);
            foreach (TopicPartition tp in group.Offsets.Keys)
                records.Add((CoordinatorRecordSerde.OffsetCommitKey(groupId, tp.Topic, tp.Partition), null));
            group.AddDeletionTombstones(records);
            ValueTask<GroupStatus> append = AppendAsync(records);
            if (append.IsCompletedSuccessfully)
            {
                GroupStatus status = append.Result;
                if (status != GroupStatus.Ok) return new ValueTask<GroupStatus>(status);
                append = new ValueTask<GroupStatus>(GroupStatus.Ok);
            }
            group.Offsets.Clear();
            group.Shutdown(GroupStatus.CoordinatorNotAvailable);
            group.StopExpiry();
            Remove(group);
            Logger.GroupDeleted(groupId);
            return append;
        }
    }

    /// <summary>
    /// Deletes committed offsets of a group (OffsetDelete): GroupIdNotFound for the request when there is no such
    /// group; per partition GroupSubscribedToTopic while a member of the group is subscribed to the topic.
    /// </summary>
    public ValueTask<OffsetsResult> DeleteOffsetsAsync(OffsetDeleteRequest request)
    {
        if (!_groups.TryGetValue(request.GroupId, out Group? group))
            return ValueTask.FromResult(OffsetsResult.Failed(GroupStatus.GroupIdNotFound));
        lock (group.Lock)
        {
            if (group.IsDead) return ValueTask.FromResult(OffsetsResult.Failed(GroupStatus.GroupIdNotFound));
            if (!TryGetSubscribedTopicsLocked(group, out HashSet<string>? subscribed))
                return ValueTask.FromResult(OffsetsResult.Failed(GroupStatus.NonEmptyGroup));
            var records = new List<(byte[] Key, byte[]? Value)>();
            var deleted = new List<TopicPartition>();
            GroupStatus[]? refused = CollectDeletionsLocked(group, request, subscribed, records, deleted);
            if (records.Count == 0) return ValueTask.FromResult(new OffsetsResult(GroupStatus.Ok, refused));
            ValueTask<GroupStatus> append = AppendAsync(records);
            if (append.IsCompletedSuccessfully)
            {
                GroupStatus status = append.Result;
                if (status == GroupStatus.Ok)
                {
                    foreach (TopicPartition tp in deleted) group.Offsets.Remove(tp);
                }
                return ValueTask.FromResult(new OffsetsResult(status, refused));
            }
            foreach (TopicPartition tp in deleted) group.Offsets.Remove(tp);
            return AwaitWrittenAsync(append, refused);
        }
    }

    /// <summary>The topics the members of <paramref name="group"/> subscribe to, null while it is empty; false
    /// when it has members whose subscriptions the coordinator cannot read (a classic group of another protocol).
    /// The caller holds the group's lock.</summary>
    private static bool TryGetSubscribedTopicsLocked(Group group, out HashSet<string>? subscribed)
    {
        subscribed = null;
        if (group.IsEmpty) return true;
        subscribed = [];
        if (group is ConsumerGroup consumer)
        {
            foreach (ConsumerGroupMember member in consumer.Members)
                subscribed.UnionWith(member.SubscribedTopicNames);
        }
        else if (group is ClassicGroup { ProtocolType: "consumer" } classic)
        {
            foreach (ClassicMember member in classic.Members)
                subscribed.UnionWith(ConsumerProtocol.Topics(member.MetadataFor(classic.ProtocolName)));
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>Adds a tombstone to <paramref name="records"/> for each requested partition the group has an offset
    /// for, unless its topic is <paramref name="subscribed"/>; returns the per-partition refusals, null when none.
    /// The caller holds the group's lock.</summary>
    private static GroupStatus[]? CollectDeletionsLocked(Group group, OffsetDeleteRequest request,
        HashSet<string>? subscribed, List<(byte[] Key, byte[]? Value)> records, List<TopicPartition> deleted)
    {
        GroupStatus[]? refused = null;
        int index = 0;
        foreach (OffsetDeleteRequest.OffsetDeleteRequestTopic topic in request.Topics)
        {
            bool inUse = subscribed is not null && subscribed.Contains(topic.Name);
            foreach (OffsetDeleteRequest.OffsetDeleteRequestPartition partition in topic.Partitions)
            {
                int i = index++;
                if (inUse)
                {
                    (refused ??= new GroupStatus[PartitionCount(request)])[i] = GroupStatus.GroupSubscribedToTopic;
                    continue;
                }
                var tp = new TopicPartition(topic.Name, partition.PartitionIndex);
                if (!group.Offsets.ContainsKey(tp)) continue;
                records.Add((CoordinatorRecordSerde.OffsetCommitKey(group.GroupId, tp.Topic, tp.Partition), null));
                deleted.Add(tp);
            }
        }
        return refused;
    }

    private static int PartitionCount(OffsetDeleteRequest request)
    {
        int count = 0;
        foreach (OffsetDeleteRequest.OffsetDeleteRequestTopic topic in request.Topics) count += topic.Partitions.Count;
        return count;
    }
}
