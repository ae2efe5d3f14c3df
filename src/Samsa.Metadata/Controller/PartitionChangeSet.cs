using Microsoft.Extensions.Logging;

namespace Samsa.Metadata.Controller;

// The partition changes of one batch (a broker fenced, unfenced or re-registered, an unclean election enabled), with
// what to log once the batch has committed.
internal sealed class PartitionChangeSet(List<IMetadataRecord> records)
{
    private readonly List<(string Topic, int Partition, int Leader, int LeaderEpoch, bool IsUnclean)> _elections = [];

    /// <summary>Partitions whose leader changed to another broker.</summary>
    public int Moved { get; private set; }

    /// <summary>Partitions left without a leader.</summary>
    public int Leaderless { get; private set; }

    /// <summary>Takes the broker out of every partition it leads or is in sync for.</summary>
    public void RemoveBroker(MetadataImage image, int brokerId, in Eligibility eligibility,
        MetadataControllerOptions options)
    {
        foreach (TopicImage topic in image.Topics.All)
        {
            bool unclean = UncleanElection.IsEnabled(image, topic.Name, options);
            foreach (PartitionRegistration partition in topic.Partitions)
            {
                PartitionChangeRecord? change = LeaderElection.RemoveBroker(topic.TopicId, partition, brokerId,
                    eligibility, unclean, out bool isUnclean);
                if (change is not null) Add(topic.Name, partition, change, isUnclean);
            }
        }
    }

    /// <summary>Elects leaders for the partitions of <paramref name="topic"/> that have none, where possible.</summary>
    public void ElectLeaderless(TopicImage topic, in Eligibility eligibility, bool unclean)
    {
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            PartitionChangeRecord? change = LeaderElection.ElectIfLeaderless(topic.TopicId, partition, eligibility,
                unclean, out bool isUnclean);
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
