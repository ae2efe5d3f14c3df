using Microsoft.Extensions.Logging;
using Samsa.Storage;

namespace Samsa.Metadata.Controller;

// Elections an operator asks for (Kafka's ElectLeaders, sent by kafka-leader-election.sh and admin clients to any
// broker, which forwards them here). Every partition's change goes in one batch; a partition that need not or cannot
// change gets its reason and writes nothing. The rules are RequestedElection's.
public sealed partial class MetadataController
{
    /// <summary>Elects leaders at an operator's request (Kafka's ElectLeaders).</summary>
    public async Task<ElectLeadersResult> ElectLeadersAsync(ElectionType electionType,
        IReadOnlyList<TopicPartition>? partitions, CancellationToken cancellationToken)
    {
        if (electionType is not (ElectionType.Preferred or ElectionType.Unclean))
            return new(ControllerStatus.InvalidRequest, $"Unknown election type {(int)electionType}.", []);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return new(ControllerStatus.NotController, NotController.Message, []);
            MetadataImage image = _loader.Current;
            var elections = new Elections(electionType, image, Options);
            if (partitions is null)
            {
                foreach (TopicImage topic in image.Topics.All)
                {
                    foreach (PartitionRegistration partition in topic.Partitions)
                        elections.Elect(topic, partition, reportNotNeeded: false);
                }
            }
            else
            {
                foreach (TopicPartition asked in partitions) elections.Elect(asked);
            }
            if (elections.Records.Count > 0)
            {
                (ControllerResult commit, _) =
                    await CommitAsync(epoch, elections.Records, cancellationToken).ConfigureAwait(false);
                if (!commit.IsOk) return new(commit.Status, commit.Message, []);
                elections.Log(_logger);
            }
            return new(ControllerStatus.Ok, null, elections.Results);
        }
        finally
        {
            _lock.Release();
        }
    }

    // One request's elections against one image: the records to write, each partition's outcome, what to log.
    private sealed class Elections(ElectionType electionType, MetadataImage image,
        MetadataControllerOptions options)
    {
        private readonly Eligibility _eligibility = new(image.Brokers);
        private readonly Dictionary<TopicPartition, PartitionElectionResult> _decided = [];
        private readonly List<(string Topic, int Partition, int Leader, int LeaderEpoch, bool IsUnclean)> _elected =
            [];

        public List<IMetadataRecord> Records { get; } = [];

        public List<PartitionElectionResult> Results { get; } = [];

        public void Elect(TopicPartition asked)
        {
            if (_decided.TryGetValue(asked, out PartitionElectionResult earlier))
            {
                // Named twice: one election, reported for each mention.
                Results.Add(earlier);
                return;
            }
            if (!image.Topics.TryGetTopic(asked.Topic, out TopicImage? topic) ||
                !topic.TryGetPartition(asked.Partition, out PartitionRegistration? partition))
            {
                Add(new PartitionElectionResult(asked.Topic, asked.Partition,
                    ControllerStatus.UnknownTopicOrPartition, "This server does not host this topic-partition."));
                return;
            }
            Elect(topic, partition, reportNotNeeded: true);
        }

        public void Elect(TopicImage topic, PartitionRegistration partition, bool reportNotNeeded)
        {
            PartitionChangeRecord? change = RequestedElection.Elect(electionType, topic.TopicId, partition,
                _eligibility, ElectionPolicy.For(image, topic, options), out ControllerResult outcome,
                out bool isUnclean);
            if (change is not null)
            {
                Records.Add(change);
                _elected.Add((topic.Name, partition.Partition, change.Leader, partition.LeaderEpoch + 1, isUnclean));
            }
            // For every partition, as Kafka answers, those that already have the leader asked for are left out.
            if (reportNotNeeded || outcome.Status != ControllerStatus.ElectionNotNeeded)
                Add(new PartitionElectionResult(topic.Name, partition.Partition, outcome.Status, outcome.Message));
        }

        public void Log(ILogger logger)
        {
            string type = electionType.ToString();
            foreach ((string topic, int partition, int leader, int leaderEpoch, bool isUnclean) in _elected)
            {
                logger.LeaderElectedOnRequest(type, leader, topic, partition, leaderEpoch);
                if (isUnclean) logger.UncleanLeaderElected(leader, topic, partition);
            }
        }

        private void Add(PartitionElectionResult result)
        {
            _decided[new TopicPartition(result.Topic, result.Partition)] = result;
            Results.Add(result);
        }
    }
}
