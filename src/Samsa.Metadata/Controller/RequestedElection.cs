namespace Samsa.Metadata.Controller;

// Kafka's rules for the elections an operator asks for (ElectLeaders), one partition at a time. Preferred: move
// leadership to the first replica of the replica list when it is in the ISR and unfenced, so leadership returns where
// placement spread it after brokers restarted. Unclean: only a partition with no leader; an eligible ISR member leads
// if there is one, else an eligible leader replica (KIP-966), else any unfenced replica, which becomes the whole
// ISR, whatever unclean.leader.election.enable says (the operator has accepted losing what the old ISR
// acknowledged). Neither changes a partition it need not.
internal static class RequestedElection
{
    /// <summary>The change <paramref name="electionType"/> makes to <paramref name="partition"/>, or null with the
    /// reason it makes none.</summary>
    public static PartitionChangeRecord? Elect(ElectionType electionType, Guid topicId,
        PartitionRegistration partition, in Eligibility eligibility, in ElectionPolicy policy,
        out ControllerResult outcome, out bool isUnclean) =>
        electionType == ElectionType.Preferred
            ? Preferred(topicId, partition, eligibility, out outcome, out isUnclean)
            : Unclean(topicId, partition, eligibility, policy, out outcome, out isUnclean);

    private static PartitionChangeRecord? Preferred(Guid topicId, PartitionRegistration partition,
        in Eligibility eligibility, out ControllerResult outcome, out bool isUnclean)
    {
        isUnclean = false;
        int preferred = partition.Replicas.IsEmpty ? PartitionRegistration.NoLeader : partition.Replicas[0];
        if (preferred != PartitionRegistration.NoLeader && partition.Leader == preferred)
        {
            outcome = new(ControllerStatus.ElectionNotNeeded, "The preferred replica already leads the partition.");
            return null;
        }
        if (preferred == PartitionRegistration.NoLeader || !partition.IsInIsr(preferred) ||
            !eligibility.IsEligible(preferred))
        {
            outcome = new(ControllerStatus.PreferredLeaderNotAvailable,
                $"The preferred replica {preferred} is not in the ISR or not unfenced.");
            return null;
        }
        outcome = ControllerResult.Ok;
        return new PartitionChangeRecord { TopicId = topicId, PartitionId = partition.Partition, Leader = preferred };
    }

    // The controller's own election order (ISR, then the eligible leader replicas, KIP-966), with unclean election
    // allowed whatever the topic says: the operator asked for it.
    private static PartitionChangeRecord? Unclean(Guid topicId, PartitionRegistration partition,
        in Eligibility eligibility, in ElectionPolicy policy, out ControllerResult outcome, out bool isUnclean)
    {
        isUnclean = false;
        if (partition.HasLeader)
        {
            outcome = new(ControllerStatus.ElectionNotNeeded, $"The partition has a leader, {partition.Leader}.");
            return null;
        }
        PartitionChangeRecord? change = LeaderElection.ElectIfLeaderless(topicId, partition, eligibility,
            policy with { Unclean = true }, out isUnclean);
        if (change is null || change.Leader < 0)
        {
            outcome = new(ControllerStatus.EligibleLeadersNotAvailable, "No replica of the partition is unfenced.");
            return null;
        }
        outcome = ControllerResult.Ok;
        return change;
    }
}
