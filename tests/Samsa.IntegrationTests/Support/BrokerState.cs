using Samsa.Broker.Groups;
using Samsa.Broker.Replication;
using Samsa.Protocol;

namespace Samsa.IntegrationTests.Support;

/// <summary>
/// What the broker of an in-process node holds, read from it directly, for tests that wait for the broker's own
/// signal instead of sleeping: a fetch parked in purgatory, a group's epoch, a member's assignment and heartbeats.
/// </summary>
internal static class BrokerState
{
    /// <summary>The fetches waiting for data on the partition (long polls parked in its watcher list).</summary>
    public static int WaitingFetches(SamsaCluster cluster, string topic, int partition) =>
        cluster.Node.Broker.Replicas.TryGetPartition(topic, partition, out Partition? found)
            ? found!.FetchWatchers.Count
            : 0;

    /// <summary>
    /// The group as its coordinator holds it now, read under the group's lock; null when this broker has no such
    /// group.
    /// </summary>
    public static GroupSnapshot? DescribeGroup(SamsaCluster cluster, string groupId)
    {
        if (cluster.Node.Broker.Groups.TryGetShard(groupId, out CoordinatorShard? shard) != GroupStatus.Ok
            || !shard!.TryGetGroup(groupId, out Group? group))
        {
            return null;
        }
        lock (group!.Lock)
        {
            return group switch
            {
                ClassicGroup classic => new GroupSnapshot(classic.State, classic.GenerationId, [.. classic.Members
                    .Select(m => new MemberSnapshot(m.MemberId, m.GroupInstanceId, classic.GenerationId,
                        Convert.ToBase64String(m.Assignment), m.SessionDeadline))]),
                ConsumerGroup consumer => new GroupSnapshot(consumer.State, consumer.GroupEpoch, [.. consumer.Members
                    .Select(m => new MemberSnapshot(m.MemberId, m.InstanceId, m.MemberEpoch,
                        string.Join(',', m.Assigned.Select(p => $"{p.TopicId}:{p.Partition}").Order()),
                        m.SessionDeadline))]),
                _ => throw new InvalidOperationException($"group {groupId} is a {group.TypeName} group"),
            };
        }
    }

    /// <summary>
    /// Waits for the static member <paramref name="instanceId"/> to heartbeat again, at the group's epoch (a
    /// consumer-group member that has caught up with the group), and returns the group as it is then: whatever the
    /// coordinator had to tell that member, it has been told.
    /// </summary>
    public static async Task<GroupSnapshot> NextHeartbeatAsync(SamsaCluster cluster, string groupId,
        string instanceId, TimeSpan deadline)
    {
        DateTimeOffset session = DescribeGroup(cluster, groupId)!.Instance(instanceId).SessionDeadline;
        return await Eventually.ValueAsync(() => DescribeGroup(cluster, groupId)!,
            g => g.Instance(instanceId) is var m && m.SessionDeadline > session && m.Epoch == g.Epoch, deadline,
            $"{instanceId} of {groupId} to heartbeat again at the group's epoch");
    }
}

/// <param name="Epoch">A classic group's generation, a consumer group's group epoch.</param>
internal sealed record GroupSnapshot(GroupState State, int Epoch, IReadOnlyList<MemberSnapshot> Members)
{
    /// <summary>The static member with <paramref name="instanceId"/>.</summary>
    public MemberSnapshot Instance(string instanceId) => Members.Single(m => m.InstanceId == instanceId);
}

/// <param name="Epoch">The member's epoch in a consumer group; the generation in a classic group.</param>
/// <param name="Assignment">What the coordinator assigns it, for comparing.</param>
/// <param name="SessionDeadline">When its session lapses; each heartbeat moves it on.</param>
internal sealed record MemberSnapshot(string MemberId, string? InstanceId, int Epoch, string Assignment,
    DateTimeOffset SessionDeadline);
