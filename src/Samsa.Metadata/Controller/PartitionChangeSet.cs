using Microsoft.Extensions.Logging;

namespace Samsa.Metadata.Controller;

// The partition changes of one batch (a broker fenced, unfenced or re-registered, an unclean election enabled, a min
// ISR changed), with what to log once the batch has committed. A partition gets at most one record per batch: a change
// to its replicas joins the record of its election.
internal sealed class PartitionChangeSet(List<IMetadataRecord> records)
{
    private readonly List<(string Topic, int Partition, int Leader, int LeaderEpoch, bool IsUnclean)> _elections = [];
    private readonly List<(string Topic, int Partition, List<int> Replicas, short Target, string Config)> _grown = [];
    private readonly Dictionary<(Guid TopicId, int Partition), PartitionChangeRecord> _changes = [];

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

    /// <summary>Grows each partition of <paramref name="topic"/> that has fewer than min(<paramref name="target"/>,
    /// unfenced brokers) replicas by unfenced brokers that are not yet replicas, each time one of those holding the
    /// fewest replicas of the topic (the lowest id among equals). The new replicas are not in the ISR (the leader adds
    /// them once they have caught up) and the leader stays, so the leader epoch does too. The unfenced brokers are
    /// those of the image once this batch has committed, ascending; <paramref name="configName"/> sets
    /// <paramref name="target"/>, for the log.</summary>
    public void GrowReplicas(TopicImage topic, IReadOnlyList<int> unfenced, short target, string configName)
    {
        int wanted = Math.Min(target, unfenced.Count);
        var load = new Dictionary<int, int>();
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            foreach (int replica in partition.Replicas) load[replica] = load.GetValueOrDefault(replica) + 1;
        }
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            List<int> replicas = [.. partition.Replicas];
            while (replicas.Count < wanted && LeastLoaded(unfenced, replicas, load) is int added and >= 0)
            {
                replicas.Add(added);
                load[added] = load.GetValueOrDefault(added) + 1;
            }
            int grown = replicas.Count - partition.Replicas.Length;
            if (grown == 0) continue;
            PartitionChangeRecord change = ChangeOf(topic.TopicId, partition.Partition);
            change.Replicas = replicas;
            // Directories run parallel to the replicas; a new replica's is not known until its broker reports it.
            if (!partition.Directories.IsEmpty) change.Directories = [.. partition.Directories, .. new Guid[grown]];
            _grown.Add((topic.Name, partition.Partition, replicas, target, configName));
        }
    }

    public void LogChanges(ILogger logger)
    {
        foreach ((string topic, int partition, List<int> replicas, short target, string config) in _grown)
            logger.ReplicasGrown(topic, partition, string.Join(',', replicas), config, target);
        foreach ((string topic, int partition, int leader, int leaderEpoch, bool isUnclean) in _elections)
        {
            if (isUnclean) logger.UncleanLeaderElected(leader, topic, partition);
            else logger.LeaderElected(leader, topic, partition, leaderEpoch);
        }
    }

    // The candidate with the fewest replicas of the topic, or -1 when every one is a replica already.
    private static int LeastLoaded(IReadOnlyList<int> candidates, List<int> replicas, Dictionary<int, int> load)
    {
        int best = -1;
        int bestLoad = int.MaxValue;
        foreach (int broker in candidates)
        {
            int brokerLoad = load.GetValueOrDefault(broker);
            if (brokerLoad < bestLoad && !replicas.Contains(broker)) (best, bestLoad) = (broker, brokerLoad);
        }
        return best;
    }

    // This batch's record for the partition, added to the batch if it has none yet.
    private PartitionChangeRecord ChangeOf(Guid topicId, int partition)
    {
        if (_changes.TryGetValue((topicId, partition), out PartitionChangeRecord? change)) return change;
        change = new PartitionChangeRecord { TopicId = topicId, PartitionId = partition };
        records.Add(change);
        _changes[(topicId, partition)] = change;
        return change;
    }

    private void Add(string topic, PartitionRegistration partition, PartitionChangeRecord change, bool isUnclean)
    {
        records.Add(change);
        _changes[(change.TopicId, change.PartitionId)] = change;
        if (change.Leader == PartitionRegistration.NoLeaderChange) return;
        if (change.Leader == PartitionRegistration.NoLeader) Leaderless++;
        else
        {
            Moved++;
            _elections.Add((topic, partition.Partition, change.Leader, partition.LeaderEpoch + 1, isUnclean));
        }
    }
}
