namespace Samsa.Broker.Handlers;

/// <summary>
/// The check every partition-level request makes before it touches a log: does this broker lead the partition, at
/// the leader epoch the client believes in? One place, so every API answers the same way.
/// </summary>
internal static class LeaderLookup
{
    /// <summary>No epoch given: the client does not check it.</summary>
    public const int AnyEpoch = -1;

    /// <summary>
    /// Finds the partition this broker leads: UNKNOWN_TOPIC_OR_PARTITION when the image has no such partition,
    /// NOT_LEADER_OR_FOLLOWER when another broker leads it, FENCED_LEADER_EPOCH or UNKNOWN_LEADER_EPOCH when the
    /// client's epoch is older or newer than the leader's.
    /// </summary>
    public static ErrorCode Find(ReplicaManager replicas, MetadataImage image, string topic, int partitionIndex,
        int currentLeaderEpoch, out Partition? partition)
    {
        if (!replicas.TryGetPartition(topic, partitionIndex, out partition))
        {
            return image.Topics.TryGetPartition(topic, partitionIndex, out _)
                ? ErrorCode.NotLeaderOrFollower
                : ErrorCode.UnknownTopicOrPartition;
        }
        PartitionState state = partition!.State;
        if (!state.IsLeader) return ErrorCode.NotLeaderOrFollower;
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == state.LeaderEpoch) return ErrorCode.None;
        return currentLeaderEpoch < state.LeaderEpoch ? ErrorCode.FencedLeaderEpoch : ErrorCode.UnknownLeaderEpoch;
    }
}
