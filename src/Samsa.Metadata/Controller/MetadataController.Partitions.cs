namespace Samsa.Metadata.Controller;

// ISR changes from partition leaders (Kafka's AlterPartition), for the replication issue: the leader shrinks the ISR
// when a follower lags and expands it when one catches up, naming the leader and partition epochs it acts on, so a
// change based on a stale view is refused instead of undoing a newer one. A shrink below min.insync.replicas moves the
// replicas it removes into the ELR; an ISR back at min ISR clears the ELR (KIP-966).
public sealed partial class MetadataController
{
    /// <summary>Changes a partition's ISR at its leader's request.</summary>
    public async Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request,
        CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return new(ControllerStatus.NotController, NotController.Message, null);
            MetadataImage image = _loader.Current;
            if (!image.Brokers.TryGetBroker(request.BrokerId, out BrokerRegistration? broker) ||
                broker.BrokerEpoch != request.BrokerEpoch)
            {
                return new(ControllerStatus.StaleBrokerEpoch,
                    $"Broker {request.BrokerId} is not registered at broker epoch {request.BrokerEpoch}.", null);
            }
            if (!image.Topics.TryGetTopic(request.TopicId, out TopicImage? topic))
                return new(ControllerStatus.UnknownTopicId, "This server does not host this topic ID.", null);
            if (!topic.TryGetPartition(request.Partition, out PartitionRegistration? partition))
            {
                return new(ControllerStatus.UnknownTopicOrPartition, "This server does not host this topic-partition.",
                    null);
            }
            if (ValidateLeader(partition, request) is { } stale)
                return new(stale.Status, stale.Message, partition);
            if (ValidateIsr(image, partition, request) is { } invalid)
                return new(invalid.Status, invalid.Message, partition);
            if (request.NewIsr.AsSpan().SequenceEqual(partition.Isr.AsSpan()))
                return new(ControllerStatus.Ok, null, partition);

            PartitionChangeRecord? change = LeaderElection.ChangeIsr(topic.TopicId, partition, request.NewIsr,
                MinInsyncReplicas.Get(image, topic, Options));
            if (change is null) return new(ControllerStatus.Ok, null, partition);
            (ControllerResult commit, _) = await CommitAsync(epoch, [change], cancellationToken).ConfigureAwait(false);
            if (!commit.IsOk) return new(commit.Status, commit.Message, partition);
            _logger.IsrChanged(topic.Name, partition.Partition, string.Join(',', request.NewIsr), request.BrokerId);
            _loader.Current.Topics.TryGetTopic(topic.TopicId, out TopicImage? updated);
            PartitionRegistration? now = null;
            updated?.TryGetPartition(partition.Partition, out now);
            return new(ControllerStatus.Ok, null, now ?? partition.Merge(change));
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Refuses a change based on a stale view: the sender must be the partition's leader, at its leader
    /// and partition epochs.</summary>
    private static ControllerResult? ValidateLeader(PartitionRegistration partition, AlterPartitionRequest request)
    {
        if (request.LeaderEpoch != partition.LeaderEpoch)
        {
            return new ControllerResult(ControllerStatus.FencedLeaderEpoch,
                $"The request's leader epoch {request.LeaderEpoch} is not the partition's {partition.LeaderEpoch}.");
        }
        if (request.BrokerId != partition.Leader)
        {
            return new ControllerResult(ControllerStatus.NotLeaderOrFollower,
                $"Broker {request.BrokerId} does not lead the partition.");
        }
        if (request.PartitionEpoch != partition.PartitionEpoch)
        {
            return new ControllerResult(ControllerStatus.InvalidUpdateVersion,
                $"The request's partition epoch {request.PartitionEpoch} is not the partition's " +
                $"{partition.PartitionEpoch}.");
        }
        return null;
    }

    private static ControllerResult? ValidateIsr(MetadataImage image, PartitionRegistration partition,
        AlterPartitionRequest request)
    {
        if (request.NewIsr.IsDefaultOrEmpty)
            return new ControllerResult(ControllerStatus.InvalidRequest, "The proposed ISR is empty.");
        if (!request.NewIsrBrokerEpochs.IsDefault && request.NewIsrBrokerEpochs.Length != request.NewIsr.Length)
        {
            return new ControllerResult(ControllerStatus.InvalidRequest,
                "The proposed ISR's broker epochs do not match its members.");
        }
        if (!request.NewIsr.Contains(partition.Leader))
        {
            return new ControllerResult(ControllerStatus.InvalidRequest,
                "The proposed ISR does not include the leader.");
        }
        for (int i = 0; i < request.NewIsr.Length; i++)
        {
            int replica = request.NewIsr[i];
            if (!partition.IsReplica(replica))
            {
                return new ControllerResult(ControllerStatus.InvalidRequest,
                    $"The proposed ISR includes broker {replica}, which is not a replica.");
            }
            if (request.NewIsr.IndexOf(replica) != i)
            {
                return new ControllerResult(ControllerStatus.InvalidRequest,
                    $"The proposed ISR includes broker {replica} more than once.");
            }
            if (!partition.IsInIsr(replica) && !image.Brokers.IsUnfenced(replica))
            {
                return new ControllerResult(ControllerStatus.IneligibleReplica,
                    $"The proposed ISR adds broker {replica}, which is fenced.");
            }
            if (StaleMemberEpoch(image, request, i) is { } registered)
            {
                return new ControllerResult(ControllerStatus.IneligibleReplica,
                    $"The proposed ISR names broker {replica} at broker epoch {request.NewIsrBrokerEpochs[i]}, " +
                    $"but it is registered at {registered}.");
            }
        }
        return null;
    }

    // KIP-903: the leader names the broker epoch it saw each member at; a member that has registered again since
    // (restarted, perhaps without what it had) may not be in sync on the strength of the old one's fetches.
    private static long? StaleMemberEpoch(MetadataImage image, AlterPartitionRequest request, int index)
    {
        if (request.NewIsrBrokerEpochs.IsDefault) return null;
        long epoch = request.NewIsrBrokerEpochs[index];
        if (epoch == -1) return null;
        return image.Brokers.TryGetBroker(request.NewIsr[index], out BrokerRegistration? broker)
            ? broker.BrokerEpoch == epoch ? null : broker.BrokerEpoch
            : -1;
    }
}
