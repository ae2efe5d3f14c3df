using System.Collections.Immutable;
using AlterPartitionRequest = Samsa.Protocol.Messages.AlterPartitionRequest;
using DomainRequest = Samsa.Metadata.Controller.AlterPartitionRequest;

namespace Samsa.Broker.Handlers;

// AlterPartition v2–3, served on a controller listener. Behaviour: a partition leader, at its broker epoch, proposes
// each partition's new ISR based on the leader and partition epochs it knows; the controller applies each on its own.
// A partition's error is its own (UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH,
// NOT_LEADER_OR_FOLLOWER, INVALID_UPDATE_VERSION, INVALID_REQUEST, INELIGIBLE_REPLICA); on success it carries the
// leader, leader epoch, ISR and partition epoch the partition now has. A stale broker epoch (STALE_BROKER_EPOCH) or a
// node that is not the controller (NOT_CONTROLLER) fails the whole request in the top-level error, as Kafka's
// controller answers. Version notes: v2 names topics by id (v0–1 by name, which Samsa's brokers never send); v3 gives
// each ISR member's broker epoch (KIP-903), and a member registered since at another epoch is INELIGIBLE_REPLICA.
[ApiHandler(ApiKey.AlterPartition, MinVersion = 2, MaxVersion = 3)]
internal sealed class AlterPartitionHandler(IController controller)
    : ControllerRpcHandler<AlterPartitionRequest, AlterPartitionResponse, AlterPartitionResponse>(controller)
{
    protected override async Task<AlterPartitionResponse> CallAsync(IController controller,
        AlterPartitionRequest request, CancellationToken cancellationToken)
    {
        var response = new AlterPartitionResponse();
        foreach (AlterPartitionRequest.TopicData topic in request.Topics)
        {
            var topicResult = new AlterPartitionResponse.TopicData { TopicId = topic.TopicId };
            foreach (AlterPartitionRequest.PartitionData partition in topic.Partitions)
            {
                AlterPartitionResult result = await controller.AlterPartitionAsync(Domain(request, topic.TopicId,
                    partition), cancellationToken).ConfigureAwait(false);
                if (result.Status is ControllerStatus.NotController or ControllerStatus.StaleBrokerEpoch)
                    return new AlterPartitionResponse { ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status) };
                topicResult.Partitions.Add(Respond(partition.PartitionIndex, result));
            }
            response.Topics.Add(topicResult);
        }
        return response;
    }

    protected override AlterPartitionResponse Respond(AlterPartitionResponse result) => result;

    /// <summary>The request for one partition; v3 carries the ISR as broker states, v2 as ids.</summary>
    private static DomainRequest Domain(AlterPartitionRequest request, Guid topicId,
        AlterPartitionRequest.PartitionData partition)
    {
        ImmutableArray<int> isr;
        ImmutableArray<long> epochs = default;
        if (partition.NewIsrWithEpochs.Count > 0)
        {
            isr = [.. partition.NewIsrWithEpochs.Select(b => b.BrokerId)];
            epochs = [.. partition.NewIsrWithEpochs.Select(b => b.BrokerEpoch)];
        }
        else
        {
            isr = [.. partition.NewIsr];
        }
        return new DomainRequest(request.BrokerId, request.BrokerEpoch, topicId, partition.PartitionIndex,
            partition.LeaderEpoch, partition.PartitionEpoch, isr, epochs);
    }

    private static AlterPartitionResponse.PartitionData Respond(int partitionIndex, AlterPartitionResult result)
    {
        var data = new AlterPartitionResponse.PartitionData
        {
            PartitionIndex = partitionIndex,
            ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status),
        };
        if (result.Status == ControllerStatus.Ok && result.Partition is { } now)
        {
            data.LeaderId = now.Leader;
            data.LeaderEpoch = now.LeaderEpoch;
            data.Isr = [.. now.Isr];
            data.PartitionEpoch = now.PartitionEpoch;
            data.LeaderRecoveryState = 0;   // RECOVERED: Samsa does not track a recovering leader (KIP-704)
        }
        return data;
    }
}
