using System.Collections.Immutable;

namespace Samsa.Metadata.Controller;

// Kafka's rules for choosing a leader: keep a leader that is still eligible; otherwise take the first replica, in the
// replicas' (preference) order, that is in the ISR and eligible. A broker leaving (fenced, unregistered, shutting
// down) leaves every ISR except where it is the last member, so the ISR never empties and the partition can recover
// when that broker returns. Only when unclean election is enabled may a replica outside the ISR lead; it then becomes
// the whole ISR, and records the old ISR acknowledged may be lost.
internal static class LeaderElection
{
    /// <summary>Takes <paramref name="brokerId"/> out of the partition's leadership and ISR (unless it is the last
    /// member); null when the partition does not change.</summary>
    public static PartitionChangeRecord? RemoveBroker(Guid topicId, PartitionRegistration partition, int brokerId,
        in Eligibility eligibility, bool unclean, out bool isUnclean)
    {
        isUnclean = false;
        bool inIsr = partition.IsInIsr(brokerId);
        if (!inIsr && partition.Leader != brokerId) return null;
        ImmutableArray<int> isr = inIsr && partition.Isr.Length > 1 ? partition.Isr.Remove(brokerId) : partition.Isr;
        int leader = partition.Leader;
        if (leader == brokerId || leader == PartitionRegistration.NoLeader)
            leader = Elect(partition.Replicas, ref isr, eligibility, unclean, out isUnclean);
        return Change(topicId, partition, isr, leader);
    }

    /// <summary>Elects a leader for a partition that has none, if an eligible replica allows it; null
    /// otherwise.</summary>
    public static PartitionChangeRecord? ElectIfLeaderless(Guid topicId, PartitionRegistration partition,
        in Eligibility eligibility, bool unclean, out bool isUnclean)
    {
        isUnclean = false;
        if (partition.HasLeader) return null;
        ImmutableArray<int> isr = partition.Isr;
        int leader = Elect(partition.Replicas, ref isr, eligibility, unclean, out isUnclean);
        return Change(topicId, partition, isr, leader);
    }

    private static int Elect(ImmutableArray<int> replicas, ref ImmutableArray<int> isr, in Eligibility eligibility,
        bool unclean, out bool isUnclean)
    {
        isUnclean = false;
        foreach (int replica in replicas)
        {
            if (isr.Contains(replica) && eligibility.IsEligible(replica)) return replica;
        }
        if (!unclean) return PartitionRegistration.NoLeader;
        foreach (int replica in replicas)
        {
            if (!eligibility.IsEligible(replica)) continue;
            isr = [replica];
            isUnclean = true;
            return replica;
        }
        return PartitionRegistration.NoLeader;
    }

    private static PartitionChangeRecord? Change(Guid topicId, PartitionRegistration partition, ImmutableArray<int> isr,
        int leader)
    {
        bool isrChanged = !isr.AsSpan().SequenceEqual(partition.Isr.AsSpan());
        bool leaderChanged = leader != partition.Leader;
        if (!isrChanged && !leaderChanged) return null;
        return new PartitionChangeRecord
        {
            TopicId = topicId,
            PartitionId = partition.Partition,
            Isr = isrChanged ? [.. isr] : null,
            Leader = leaderChanged ? leader : PartitionRegistration.NoLeaderChange,
        };
    }
}
