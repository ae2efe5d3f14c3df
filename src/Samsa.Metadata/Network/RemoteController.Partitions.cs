using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using DomainAlterPartition = Samsa.Metadata.Controller.AlterPartitionRequest;
using WireAlterPartition = Samsa.Protocol.Messages.AlterPartitionRequest;

namespace Samsa.Metadata.Network;

// AlterPartition, a partition leader's ISR change. The controller listener serves v2+, which name topics by id; v3
// carries each ISR member's broker epoch (KIP-903). A NOT_CONTROLLER or STALE_BROKER_EPOCH answer comes in the
// top-level error code, as Kafka's controller gives it; a partition's outcome in its own.
public sealed partial class RemoteController
{
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
}
