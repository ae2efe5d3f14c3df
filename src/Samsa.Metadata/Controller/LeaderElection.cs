using System.Collections.Immutable;

namespace Samsa.Metadata.Controller;

// Kafka's rules for choosing a leader, with KIP-966's eligible leader replicas (ELR). A leader that is still eligible
// stays. Otherwise, in the replicas' (preference) order: the first eligible ISR member; with the ISR empty, the first
// eligible ELR member, which becomes the ISR; with ISR and ELR both empty, the last known leader, if eligible (no
// replica is known to hold every acknowledged record any more, and it held the most); and only with unclean election
// enabled, the first eligible replica. The last two make the new leader the whole ISR, clear the ELR, and may lose
// records the old ISR acknowledged.
//
// Where the topic's min.insync.replicas is above 1 (ElectionPolicy.TracksElr), a broker leaving (fenced, unregistered,
// shutting down) leaves every ISR, its last member too. While the ISR is below min ISR the high watermark stands still
// (the broker's strict min ISR), so a member that leaves it then holds every acknowledged record: it joins the ELR.
// Once the ISR is back to min ISR the ELR is cleared. A fenced ELR member stays in the ELR (its log is intact); a
// broker back from an unclean shutdown (its registration's previous broker epoch is not its last one) leaves every
// ISR and ELR, since it may have lost its unflushed tail. The last known leader is recorded when the ISR empties and
// forgotten once the partition has a leader. Where min ISR is 1, the last ISR member stays in the ISR as before
// KIP-966, and leads again when it returns: no other replica could hold more.
internal static class LeaderElection
{
    /// <summary>Takes <paramref name="brokerId"/> out of the partition's leadership and ISR (but for the last member
    /// where the ELR is not tracked) and, after an unclean shutdown, out of its ELR; null when the partition does not
    /// change.</summary>
    public static PartitionChangeRecord? RemoveBroker(Guid topicId, PartitionRegistration partition, int brokerId,
        bool uncleanShutdown, in Eligibility eligibility, in ElectionPolicy policy, out bool isUnclean)
    {
        isUnclean = false;
        bool inIsr = partition.IsInIsr(brokerId);
        bool leavesElr = uncleanShutdown && partition.IsInElr(brokerId);
        if (!inIsr && !leavesElr && partition.Leader != brokerId) return null;
        ImmutableArray<int> isr = inIsr && (policy.TracksElr || partition.Isr.Length > 1)
            ? partition.Isr.Remove(brokerId)
            : partition.Isr;
        bool elect = partition.Leader == brokerId || !partition.HasLeader;
        return Change(topicId, partition, isr, uncleanShutdown ? brokerId : PartitionRegistration.NoLeader, elect,
            eligibility, policy, out isUnclean);
    }

    /// <summary>Elects a leader for a partition that has none, if an eligible replica allows it; null
    /// otherwise.</summary>
    public static PartitionChangeRecord? ElectIfLeaderless(Guid topicId, PartitionRegistration partition,
        in Eligibility eligibility, in ElectionPolicy policy, out bool isUnclean)
    {
        isUnclean = false;
        if (partition.HasLeader) return null;
        return Change(topicId, partition, partition.Isr, PartitionRegistration.NoLeader, elect: true, eligibility,
            policy, out isUnclean);
    }

    /// <summary>The change that sets the ISR to <paramref name="isr"/> at the leader's request (AlterPartition), with
    /// the ELR that follows from it; null when nothing changes.</summary>
    public static PartitionChangeRecord? ChangeIsr(Guid topicId, PartitionRegistration partition,
        ImmutableArray<int> isr, int minIsr)
    {
        ImmutableArray<int> elr = TargetElr(partition, isr, PartitionRegistration.NoLeader, minIsr);
        return Record(topicId, partition, isr, elr, LastKnownLeader(partition, isr, partition.Leader),
            partition.Leader);
    }

    /// <summary>The leader KIP-966 allows among <paramref name="replicas"/> (in preference order), and where it was
    /// found; <see cref="PartitionRegistration.NoLeader"/> and <see cref="ElectionKind.None"/> when none may lead. For
    /// <see cref="ElectionKind.Elr"/>, <see cref="ElectionKind.LastKnownLeader"/> and
    /// <see cref="ElectionKind.Unclean"/> the caller makes the leader the whole ISR.</summary>
    public static int Elect(ImmutableArray<int> replicas, ImmutableArray<int> isr, ImmutableArray<int> elr,
        ImmutableArray<int> lastKnownElr, in Eligibility eligibility, bool unclean, out ElectionKind kind)
    {
        kind = ElectionKind.Isr;
        foreach (int replica in replicas)
        {
            if (isr.Contains(replica) && eligibility.IsEligible(replica)) return replica;
        }
        if (isr.IsEmpty)
        {
            kind = ElectionKind.Elr;
            foreach (int replica in replicas)
            {
                if (elr.Contains(replica) && eligibility.IsEligible(replica)) return replica;
            }
            kind = ElectionKind.LastKnownLeader;
            if (elr.IsEmpty && lastKnownElr.Length == 1 && eligibility.IsEligible(lastKnownElr[0]))
                return lastKnownElr[0];
        }
        kind = ElectionKind.Unclean;
        if (unclean)
        {
            foreach (int replica in replicas)
            {
                if (eligibility.IsEligible(replica)) return replica;
            }
        }
        kind = ElectionKind.None;
        return PartitionRegistration.NoLeader;
    }

    private static PartitionChangeRecord? Change(Guid topicId, PartitionRegistration partition,
        ImmutableArray<int> isr, int uncleanShutdown, bool elect, in Eligibility eligibility, in ElectionPolicy policy,
        out bool isUnclean)
    {
        ImmutableArray<int> elr = TargetElr(partition, isr, uncleanShutdown, policy.MinIsr);
        int leader = partition.Leader;
        ElectionKind kind = ElectionKind.None;
        if (elect)
        {
            leader = Elect(partition.Replicas, isr, elr, partition.LastKnownElr, eligibility, policy.Unclean, out kind);
            if (kind == ElectionKind.Elr)
            {
                isr = [leader];
                elr = elr.Remove(leader);
            }
            else if (kind is ElectionKind.LastKnownLeader or ElectionKind.Unclean)
            {
                isr = [leader];
                elr = [];
            }
        }
        isUnclean = kind is ElectionKind.LastKnownLeader or ElectionKind.Unclean;
        return Record(topicId, partition, isr, elr, LastKnownLeader(partition, isr, leader), leader);
    }

    // The ELR once the ISR is `isr`: empty at or above min ISR; below it, the replicas that were in the ELR or the ISR
    // and are not in `isr`, less a broker back from an unclean shutdown. In replica order.
    private static ImmutableArray<int> TargetElr(PartitionRegistration partition, ImmutableArray<int> isr,
        int uncleanShutdown, int minIsr)
    {
        if (isr.Length >= minIsr) return [];
        ImmutableArray<int>.Builder elr = ImmutableArray.CreateBuilder<int>();
        foreach (int replica in partition.Replicas)
        {
            if ((partition.IsInElr(replica) || partition.IsInIsr(replica)) && !isr.Contains(replica) &&
                replica != uncleanShutdown)
            {
                elr.Add(replica);
            }
        }
        return elr.ToImmutable();
    }

    // The last known leader once the partition has `isr` and `leader`: forgotten when it has a leader, recorded when
    // its ISR empties, kept otherwise.
    private static ImmutableArray<int> LastKnownLeader(PartitionRegistration partition, ImmutableArray<int> isr,
        int leader)
    {
        if (leader >= 0) return [];
        if (isr.IsEmpty && !partition.Isr.IsEmpty)
            return [partition.HasLeader ? partition.Leader : partition.Isr[0]];
        return partition.LastKnownElr;
    }

    private static PartitionChangeRecord? Record(Guid topicId, PartitionRegistration partition,
        ImmutableArray<int> isr, ImmutableArray<int> elr, ImmutableArray<int> lastKnownElr, int leader)
    {
        bool isrChanged = !isr.AsSpan().SequenceEqual(partition.Isr.AsSpan());
        bool elrChanged = !elr.AsSpan().SequenceEqual(partition.Elr.AsSpan());
        bool lastKnownElrChanged = !lastKnownElr.AsSpan().SequenceEqual(partition.LastKnownElr.AsSpan());
        bool leaderChanged = leader != partition.Leader;
        if (!isrChanged && !elrChanged && !lastKnownElrChanged && !leaderChanged) return null;
        return new PartitionChangeRecord
        {
            TopicId = topicId,
            PartitionId = partition.Partition,
            Isr = isrChanged ? [.. isr] : null,
            Leader = leaderChanged ? leader : PartitionRegistration.NoLeaderChange,
            EligibleLeaderReplicas = elrChanged ? [.. elr] : null,
            LastKnownElr = lastKnownElrChanged ? [.. lastKnownElr] : null,
        };
    }
}
