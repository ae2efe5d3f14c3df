using PartitionResult = Samsa.Protocol.Messages.ElectLeadersResponse.PartitionResult;
using TopicResult = Samsa.Protocol.Messages.ElectLeadersResponse.ReplicaElectionResult;

namespace Samsa.Broker.Handlers;

// ElectLeaders v0–2, on client listeners (forwarded to the controller) and on the controller listener. Behaviour:
// PREFERRED (v0 always) moves leadership to the first replica when it is in the ISR and unfenced, else
// PREFERRED_LEADER_NOT_AVAILABLE; UNCLEAN elects a leader for a partition that has none, from the ISR if it can, else
// any unfenced replica (ELIGIBLE_LEADERS_NOT_AVAILABLE when none is). A partition that has the leader asked for is
// ELECTION_NOT_NEEDED, an unknown one UNKNOWN_TOPIC_OR_PARTITION. Null topic partitions means every partition, and
// then only those whose election was needed are answered. When the controller cannot act at all (not reachable,
// NOT_CONTROLLER), every partition asked for gets that error, and v1+ the top-level error too. Version notes: v1 adds
// the election type and the top-level error; v2 first flexible.
[ApiHandler(ApiKey.ElectLeaders, MinVersion = 0, MaxVersion = 2)]
internal sealed class ElectLeadersHandler(IController controller)
    : ApiHandler<ElectLeadersRequest, ElectLeadersResponse>
{
    protected override async ValueTask<ElectLeadersResponse?> HandleAsync(RequestContext context,
        ElectLeadersRequest request, CancellationToken cancellationToken)
    {
        List<TopicPartition>? partitions = null;
        if (request.TopicPartitions is { } asked)
        {
            partitions = [];
            foreach (ElectLeadersRequest.TopicPartitionsData topic in asked)
            {
                foreach (int partition in topic.Partitions) partitions.Add(new TopicPartition(topic.Topic, partition));
            }
        }
        var electionType = (ElectionType)(context.ApiVersion == 0 ? 0 : request.ElectionType);
        ElectLeadersResult result =
            await controller.ElectLeadersAsync(electionType, partitions, cancellationToken).ConfigureAwait(false);
        if (result.Status != ControllerStatus.Ok)
            return request.ErrorResponse(context.ApiVersion, ErrorMapping.ToErrorCode(result.Status));
        return Respond(result.Partitions);
    }

    private static ElectLeadersResponse Respond(IReadOnlyList<PartitionElectionResult> partitions)
    {
        var response = new ElectLeadersResponse();
        var byTopic = new Dictionary<string, TopicResult>(StringComparer.Ordinal);
        foreach (PartitionElectionResult partition in partitions)
        {
            if (!byTopic.TryGetValue(partition.Topic, out TopicResult? topic))
            {
                byTopic[partition.Topic] = topic = new TopicResult { Topic = partition.Topic };
                response.ReplicaElectionResults.Add(topic);
            }
            topic.PartitionResult.Add(new PartitionResult
            {
                PartitionId = partition.Partition,
                ErrorCode = (short)ErrorMapping.ToErrorCode(partition.Status),
                ErrorMessage = partition.Message,
            });
        }
        return response;
    }
}
