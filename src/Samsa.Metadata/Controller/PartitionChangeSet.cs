using Microsoft.Extensions.Logging;

namespace Samsa.Metadata.Controller;

// The partition changes of one batch (a broker fenced, unfenced or re-registered, an unclean election enabled, a min
// ISR changed), with what to log once the batch has committed.
internal sealed class PartitionChangeSet(List<IMetadataRecord> records)
{
    private readonly List<(string Topic, int Partition, int Leader, int LeaderEpoch, bool IsUnclean)> _elections = [];

    /// <summary>Partitions whose leader changed to another broker.</summary>
    public int Moved { get; private set; }

    /// <summary>Partitions left without a leader.</summary>
    public int Leaderless { get; private set; }

    /// <summary>Takes the broker out of every partition it leads or is in sync for and, after an unclean shutdown,
    /// out of every ELR.</summary>
    public void RemoveBroker(MetadataImage image, int brokerId, in Eligibility eligibility,
        MetadataControllerOptions options, bool uncleanShutdown = false)
    {
        foreach (TopicImage topic in image.Topics.All)
        {
            ElectionPolicy policy = ElectionPolicy.For(image, topic, options);
            foreach (PartitionRegistration partition in topic.Partitions)
            {
                PartitionChangeRecord? change = LeaderElection.RemoveBroker(topic.TopicId, partition, brokerId,
                    uncleanShutdown, eligibility, policy, out bool isUnclean);
                if (change is not null) Add(topic.Name, partition, change, isUnclean);
            }
        }
    }

    /// <summary>Elects leaders for the partitions of <paramref name="topic"/> that have none, where possible.</summary>
    public void ElectLeaderless(TopicImage topic, in Eligibility eligibility, in ElectionPolicy policy)
    {
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            PartitionChangeRecord? change = LeaderElection.ElectIfLeaderless(topic.TopicId, partition, eligibility,
                policy, out bool isUnclean);
            if (change is not null) Add(topic.Name, partition, change, isUnclean);
        }
    }

    /// <summary>Applies a topic's new election policy: elects leaders for its leaderless partitions when
    /// <paramref name="elect"/>, and recomputes every ELR against the new min ISR when
    /// <paramref name="minIsrChanged"/>.</summary>
    public void ApplyPolicy(TopicImage topic, in Eligibility eligibility, in ElectionPolicy policy, bool elect,
        bool minIsrChanged)
    {
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            bool isUnclean = false;
            PartitionChangeRecord? change = elect && !partition.HasLeader
                ? LeaderElection.ElectIfLeaderless(topic.TopicId, partition, eligibility, policy, out isUnclean)
                : minIsrChanged
                    ? LeaderElection.ChangeIsr(topic.TopicId, partition, partition.Isr, policy.MinIsr)
                    : null;
            if (change is not null) Add(topic.Name, partition, change, isUnclean);
        }
    }

    public void LogElections(ILogger logger)
    {
        foreach ((string topic, int partition, int leader, int leaderEpoch, bool isUnclean) in _elections)
        {
            if (isUnclean) logger.UncleanLeaderElected(leader, topic, partition);
            else logger.LeaderElected(leader, topic, partition, leaderEpoch);
        }
    }

    private void Add(string topic, PartitionRegistration partition, PartitionChangeRecord change, bool isUnclean)
    {
        records.Add(change);
        if (change.Leader == PartitionRegistration.NoLeaderChange) return;
        if (change.Leader == PartitionRegistration.NoLeader) Leaderless++;
        else
        {
            Moved++;
            _elections.Add((topic, partition.Partition, change.Leader, partition.LeaderEpoch + 1, isUnclean));
        }
    }
}
