using Samsa.Protocol.CoordinatorRecords;

namespace Samsa.Broker.Groups;

/// <summary>
/// The records a consumer group (KIP-848) writes to <c>__consumer_offsets</c>, in Kafka's schemas: the group epoch
/// (key type 3), each member's subscription (5), the target assignment's epoch (6) and each member's target (7),
/// and each member's current assignment (8). Subscribed-topic metadata (type 4) is not written: the coordinator
/// reads topics from the metadata image.
/// </summary>
internal static class ConsumerGroupRecords
{
    public static (byte[], byte[]?) GroupEpoch(string group, int? epoch) => (
        CoordinatorRecordSerde.Write(3, new ConsumerGroupMetadataKey { GroupId = group }),
        epoch is { } value ? CoordinatorRecordSerde.Write(0, new ConsumerGroupMetadataValue { Epoch = value }) : null);

    public static (byte[], byte[]?) Member(string group, string memberId, ConsumerGroupMember? member) => (
        CoordinatorRecordSerde.Write(5, new ConsumerGroupMemberMetadataKey { GroupId = group, MemberId = memberId }),
        member is null ? null : CoordinatorRecordSerde.Write(0, new ConsumerGroupMemberMetadataValue
        {
            InstanceId = member.InstanceId,
            RackId = member.RackId,
            ClientId = member.ClientId,
            ClientHost = member.ClientHost,
            SubscribedTopicNames = [.. member.SubscribedTopicNames],
            SubscribedTopicRegex = member.SubscribedTopicRegex,
            RebalanceTimeoutMs = (int)member.RebalanceTimeout.TotalMilliseconds,
            ServerAssignor = member.ServerAssignor,
        }));

    public static (byte[], byte[]?) TargetEpoch(string group, int? epoch) => (
        CoordinatorRecordSerde.Write(6, new ConsumerGroupTargetAssignmentMetadataKey { GroupId = group }),
        epoch is { } value
            ? CoordinatorRecordSerde.Write(0,
                new ConsumerGroupTargetAssignmentMetadataValue { AssignmentEpoch = value })
            : null);

    public static (byte[], byte[]?) Target(string group, string memberId, HashSet<TopicIdPartition>? target)
    {
        byte[] key = CoordinatorRecordSerde.Write(7,
            new ConsumerGroupTargetAssignmentMemberKey { GroupId = group, MemberId = memberId });
        if (target is null) return (key, null);
        var value = new ConsumerGroupTargetAssignmentMemberValue();
        foreach ((Guid topicId, List<int> partitions) in ConsumerGroup.ByTopic(target))
        {
            value.TopicPartitions.Add(new ConsumerGroupTargetAssignmentMemberValue.TopicPartition
            {
                TopicId = topicId, Partitions = partitions,
            });
        }
        return (key, CoordinatorRecordSerde.Write(0, value));
    }

    public static (byte[], byte[]?) Current(string group, string memberId, ConsumerGroupMember? member)
    {
        byte[] key = CoordinatorRecordSerde.Write(8,
            new ConsumerGroupCurrentMemberAssignmentKey { GroupId = group, MemberId = memberId });
        if (member is null) return (key, null);
        var value = new ConsumerGroupCurrentMemberAssignmentValue
        {
            MemberEpoch = member.MemberEpoch,
            PreviousMemberEpoch = member.PreviousMemberEpoch,
            State = (sbyte)member.State,
            AssignedPartitions = Partitions(member.Assigned),
            PartitionsPendingRevocation = Partitions(member.Revoking),
        };
        return (key, CoordinatorRecordSerde.Write(0, value));
    }

    private static List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions> Partitions(
        HashSet<TopicIdPartition> partitions)
    {
        var list = new List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions>();
        foreach ((Guid topicId, List<int> each) in ConsumerGroup.ByTopic(partitions))
        {
            list.Add(new ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions
            {
                TopicId = topicId,
                Partitions = each,
            });
        }
        return list;
    }

    public static HashSet<TopicIdPartition> ToSet(List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions> list)
    {
        var set = new HashSet<TopicIdPartition>();
        foreach (ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions topic in list)
        {
            foreach (int partition in topic.Partitions) set.Add(new TopicIdPartition(topic.TopicId, partition));
        }
        return set;
    }

    public static HashSet<TopicIdPartition> ToSet(List<ConsumerGroupTargetAssignmentMemberValue.TopicPartition> list)
    {
        var set = new HashSet<TopicIdPartition>();
        foreach (ConsumerGroupTargetAssignmentMemberValue.TopicPartition topic in list)
        {
            foreach (int partition in topic.Partitions) set.Add(new TopicIdPartition(topic.TopicId, partition));
        }
        return set;
    }
}
