using TopicResult = Samsa.Protocol.Messages.CreatePartitionsResponse.CreatePartitionsTopicResult;

namespace Samsa.Broker.Handlers;

// CreatePartitions v0–3. Behaviour: the controller grows each topic to the requested total (counts only grow: an
// equal or smaller count is INVALID_PARTITIONS), placing the new partitions itself or on the replicas given, one
// assignment per new partition (INVALID_REPLICA_ASSIGNMENT otherwise); validate-only checks and writes nothing.
// An unknown topic gets UNKNOWN_TOPIC_OR_PARTITION, a topic named twice INVALID_REQUEST, each with a message.
// Version notes: v2 first flexible; v3 may throttle (Samsa never does).
[ApiHandler(ApiKey.CreatePartitions, MinVersion = 0, MaxVersion = 3)]
internal sealed class CreatePartitionsHandler(IController controller)
    : ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse>
{
    protected override async ValueTask<CreatePartitionsResponse?> HandleAsync(RequestContext context,
        CreatePartitionsRequest request, CancellationToken cancellationToken)
    {
        var topics = new List<NewPartitions>(request.Topics.Count);
        foreach (CreatePartitionsRequest.CreatePartitionsTopic topic in request.Topics)
        {
            List<IReadOnlyList<int>>? assignments = null;
            if (topic.Assignments is { } given)
            {
                assignments = new List<IReadOnlyList<int>>(given.Count);
                foreach (CreatePartitionsRequest.CreatePartitionsAssignment a in given) assignments.Add(a.BrokerIds);
            }
            topics.Add(new NewPartitions(topic.Name, topic.Count, assignments));
        }
        IReadOnlyList<CreatePartitionsResult> results = topics.Count == 0
            ? []
            : await controller.CreatePartitionsAsync(topics, request.ValidateOnly, cancellationToken)
                .ConfigureAwait(false);
        var response = new CreatePartitionsResponse();
        for (int i = 0; i < results.Count; i++)
        {
            response.Results.Add(new TopicResult
            {
                Name = request.Topics[i].Name,
                ErrorCode = (short)ErrorMapping.ToErrorCode(results[i].Status),
                ErrorMessage = results[i].Message,
            });
        }
        return response;
    }
}
