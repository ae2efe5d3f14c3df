using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Storage;
using DomainAlterPartition = Samsa.Metadata.Controller.AlterPartitionRequest;
using WireAlterPartition = Samsa.Protocol.Messages.AlterPartitionRequest;

namespace Samsa.Metadata.Network;

// AlterPartition (a partition leader's ISR change) and ElectLeaders (an operator's, forwarded from a broker). The
// controller listener serves AlterPartition v2+, which name topics by id; v3 carries each ISR member's broker epoch
// (KIP-903). A NOT_CONTROLLER or STALE_BROKER_EPOCH answer comes in the top-level error code, as Kafka's controller
// gives it; a partition's outcome in its own.
public sealed partial class RemoteController
{
    /// <summary>How long the controller may take over a forwarded election (the request's TimeoutMs).</summary>
    private const int ElectionTimeoutMs = 30_000;

    public async Task<AlterPartitionResult> AlterPartitionAsync(DomainAlterPartition request,
        CancellationToken cancellationToken)
    {
        (AlterPartitionResponse? response, string? failure) =
            await SendAsync<WireAlterPartition, AlterPartitionResponse>(ApiKey.AlterPartition,
                version => AlterPartition(request, version), r => IsNotController(r.ErrorCode), cancellationToken)
                .ConfigureAwait(false);
        if (response is null) return new(ControllerStatus.ControllerUnavailable, Unavailable(failure), null);
        if (response.ErrorCode != (short)ErrorCode.None)
        {
            ControllerStatus refused = Status(response.ErrorCode);
            return new(refused, Answered(refused, response.ErrorCode), null);
        }
        AlterPartitionResponse.PartitionData? partition = response.Topics
            .Where(t => t.TopicId == request.TopicId)
            .SelectMany(t => t.Partitions)
            .FirstOrDefault(p => p.PartitionIndex == request.Partition);
        if (partition is null)
        {
            return new(ControllerStatus.ControllerUnavailable,
                Unavailable("the controller's answer left the partition out"), null);
        }
        ControllerStatus status = Status(partition.ErrorCode);
        if (status != ControllerStatus.Ok) return new(status, Answered(status, partition.ErrorCode), null);
        return new(status, null, new PartitionRegistration(partition.PartitionIndex, [], [.. partition.Isr],
            partition.LeaderId, partition.LeaderEpoch, partition.PartitionEpoch));
    }

    private static WireAlterPartition AlterPartition(DomainAlterPartition request, short version)
    {
        if (version < 2)
        {
            throw new KafkaClientException(
                "the controller serves AlterPartition only below v2, which names topics, not topic ids");
        }
        var data = new WireAlterPartition.PartitionData
        {
            PartitionIndex = request.Partition,
            LeaderEpoch = request.LeaderEpoch,
            PartitionEpoch = request.PartitionEpoch,
        };
        if (version < 3)
        {
            data.NewIsr = [.. request.NewIsr];
        }
        else
        {
            for (int i = 0; i < request.NewIsr.Length; i++)
            {
                data.NewIsrWithEpochs.Add(new WireAlterPartition.BrokerState
                {
                    BrokerId = request.NewIsr[i],
                    BrokerEpoch = request.NewIsrBrokerEpochs.IsDefault ? -1 : request.NewIsrBrokerEpochs[i],
                });
            }
        }
        return new WireAlterPartition
        {
            BrokerId = request.BrokerId,
            BrokerEpoch = request.BrokerEpoch,
            Topics = [new WireAlterPartition.TopicData { TopicId = request.TopicId, Partitions = [data] }],
        };
    }

    public async Task<ElectLeadersResult> ElectLeadersAsync(ElectionType electionType,
        IReadOnlyList<TopicPartition>? partitions, CancellationToken cancellationToken)
    {
        (ElectLeadersResponse? response, string? failure) =
            await SendAsync<ElectLeadersRequest, ElectLeadersResponse>(ApiKey.ElectLeaders,
                version => ElectLeaders(electionType, partitions, version), ElectionNotController,
                cancellationToken).ConfigureAwait(false);
        if (response is null) return new(ControllerStatus.ControllerUnavailable, Unavailable(failure), []);
        if (response.ErrorCode != (short)ErrorCode.None)
        {
            ControllerStatus refused = Status(response.ErrorCode);
            return new(refused, Answered(refused, response.ErrorCode), []);
        }
        var results = new List<PartitionElectionResult>();
        foreach (ElectLeadersResponse.ReplicaElectionResult topic in response.ReplicaElectionResults)
        {
            foreach (ElectLeadersResponse.PartitionResult partition in topic.PartitionResult)
            {
                ControllerStatus status = Status(partition.ErrorCode);
                results.Add(new PartitionElectionResult(topic.Topic, partition.PartitionId, status,
                    status == ControllerStatus.Ok ? null : partition.ErrorMessage));
            }
        }
        return new(ControllerStatus.Ok, null, results);
    }

    private static ElectLeadersRequest ElectLeaders(ElectionType electionType,
        IReadOnlyList<TopicPartition>? partitions, short version)
    {
        if (version < 1 && electionType != ElectionType.Preferred)
            throw new KafkaClientException("the controller serves ElectLeaders only at v0, which elects preferred");
        var request = new ElectLeadersRequest
        {
            ElectionType = (sbyte)electionType,
            TimeoutMs = ElectionTimeoutMs,
            TopicPartitions = partitions is null ? null : [],
        };
        if (partitions is not null)
        {
            var byTopic = new Dictionary<string, ElectLeadersRequest.TopicPartitionsData>(StringComparer.Ordinal);
            foreach (TopicPartition tp in partitions)
            {
                if (!byTopic.TryGetValue(tp.Topic, out ElectLeadersRequest.TopicPartitionsData? topic))
                {
                    byTopic[tp.Topic] = topic = new ElectLeadersRequest.TopicPartitionsData { Topic = tp.Topic };
                    request.TopicPartitions!.Add(topic);
                }
                topic.Partitions.Add(tp.Partition);
            }
        }
        return request;
    }

    // v0 has no top-level error: a controller that does not lead answers NOT_CONTROLLER for every partition.
    private static bool ElectionNotController(ElectLeadersResponse response) =>
        IsNotController(response.ErrorCode) ||
        (response.ReplicaElectionResults.Count > 0 && response.ReplicaElectionResults.All(t =>
            t.PartitionResult.All(p => IsNotController(p.ErrorCode))));
}
