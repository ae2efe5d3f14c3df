using System.Collections.Immutable;

namespace Samsa.Metadata.Image;

/// <summary>
/// One partition as the metadata log says it is: its replicas, ISR, eligible leader replicas, leader and epochs.
/// </summary>
/// <remarks>Immutable; <see cref="Merge"/> makes the next one. The leader epoch changes when the leader does; the
/// partition epoch changes with every change, and is what an ISR update must name to be accepted.</remarks>
public sealed class PartitionRegistration
{
    /// <summary>The <see cref="Leader"/> of a partition that has none.</summary>
    public const int NoLeader = -1;

    /// <summary>The leader of a <see cref="PartitionChangeRecord"/> that leaves the leader as it is.</summary>
    public const int NoLeaderChange = -2;

    public PartitionRegistration(int partition, ImmutableArray<int> replicas, ImmutableArray<int> isr, int leader,
        int leaderEpoch, int partitionEpoch, ImmutableArray<Guid> directories = default,
        ImmutableArray<int> elr = default, ImmutableArray<int> lastKnownElr = default)
    {
        Partition = partition;
        Replicas = replicas.IsDefault ? [] : replicas;
        Isr = isr.IsDefault ? [] : isr;
        Leader = leader;
        LeaderEpoch = leaderEpoch;
        PartitionEpoch = partitionEpoch;
        Directories = directories.IsDefault ? [] : directories;
        Elr = elr.IsDefault ? [] : elr;
        LastKnownElr = lastKnownElr.IsDefault ? [] : lastKnownElr;
    }

    /// <summary>The partition index.</summary>
    public int Partition { get; }

    /// <summary>The replicas in preference order; the first is the preferred leader.</summary>
    public ImmutableArray<int> Replicas { get; }

    /// <summary>The in-sync replicas.</summary>
    public ImmutableArray<int> Isr { get; }

    /// <summary>The leader's broker id, or <see cref="NoLeader"/>.</summary>
    public int Leader { get; }

    public int LeaderEpoch { get; }

    public int PartitionEpoch { get; }

    /// <summary>The log directory of each replica, in the order of <see cref="Replicas"/>; empty when
    /// unknown.</summary>
    public ImmutableArray<Guid> Directories { get; }

    /// <summary>The eligible leader replicas (KIP-966): replicas that left the ISR while it was below
    /// <c>min.insync.replicas</c>, so that the high watermark has not moved since and they hold every acknowledged
    /// record. Empty while the ISR has at least <c>min.insync.replicas</c> members; never overlaps the ISR.</summary>
    public ImmutableArray<int> Elr { get; }

    /// <summary>The last known leader (KIP-966), recorded when the ISR became empty and kept while the partition has
    /// no leader; empty otherwise.</summary>
    public ImmutableArray<int> LastKnownElr { get; }

    public bool HasLeader => Leader >= 0;

    public bool IsReplica(int brokerId) => Replicas.Contains(brokerId);

    public bool IsInIsr(int brokerId) => Isr.Contains(brokerId);

    public bool IsInElr(int brokerId) => Elr.Contains(brokerId);

    /// <summary>The partition after <paramref name="change"/>: fields it carries replace these, the partition epoch
    /// goes up by one, and the leader epoch too when the change names a leader.</summary>
    public PartitionRegistration Merge(PartitionChangeRecord change)
    {
        bool leaderChanged = change.Leader != NoLeaderChange;
        return new PartitionRegistration(
            Partition,
            change.Replicas is { } replicas ? [.. replicas] : Replicas,
            change.Isr is { } isr ? [.. isr] : Isr,
            leaderChanged ? change.Leader : Leader,
            leaderChanged ? LeaderEpoch + 1 : LeaderEpoch,
            PartitionEpoch + 1,
            change.Directories is { } directories ? [.. directories] : Directories,
            change.EligibleLeaderReplicas is { } elr ? [.. elr] : Elr,
            change.LastKnownElr is { } lastKnownElr ? [.. lastKnownElr] : LastKnownElr);
    }

    internal static PartitionRegistration FromRecord(PartitionRecord record) => new(record.PartitionId,
        [.. record.Replicas], [.. record.Isr], record.Leader, record.LeaderEpoch, record.PartitionEpoch,
        [.. record.Directories], [.. record.EligibleLeaderReplicas ?? []], [.. record.LastKnownElr ?? []]);

    /// <summary>The record that creates this partition as it is now (for snapshots).</summary>
    public PartitionRecord ToRecord(Guid topicId) => new()
    {
        PartitionId = Partition,
        TopicId = topicId,
        Replicas = [.. Replicas],
        Isr = [.. Isr],
        Leader = Leader,
        LeaderEpoch = LeaderEpoch,
        PartitionEpoch = PartitionEpoch,
        Directories = [.. Directories],
        EligibleLeaderReplicas = Elr.IsEmpty ? null : [.. Elr],
        LastKnownElr = LastKnownElr.IsEmpty ? null : [.. LastKnownElr],
    };

    public override string ToString() =>
        $"partition {Partition}: replicas [{string.Join(',', Replicas)}], isr [{string.Join(',', Isr)}], " +
        $"elr [{string.Join(',', Elr)}], last known elr [{string.Join(',', LastKnownElr)}], " +
        $"leader {Leader}, leader epoch {LeaderEpoch}, partition epoch {PartitionEpoch}";
}
