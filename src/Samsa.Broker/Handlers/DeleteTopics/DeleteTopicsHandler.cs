using TopicResult = Samsa.Protocol.Messages.DeleteTopicsResponse.DeletableTopicResult;

namespace Samsa.Broker.Handlers;

// DeleteTopics v0–6. Behaviour: the controller deletes each topic, by name (from v6 by name or by id), with its
// partitions and configs; each replica drops its log when the image shows the topic gone. An unknown name gets
// UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID, a duplicate or a name given with an id
// INVALID_REQUEST; with delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST before
// v3, as Kafka answers). Version notes: v3 adds TOPIC_DELETION_DISABLED; v4 first flexible; v5 error messages;
// v6 topics by name or id, with ids in the response.
[ApiHandler(ApiKey.DeleteTopics, MinVersion = 0, MaxVersion = 6)]
internal sealed class DeleteTopicsHandler(IController controller)
    : ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse>
{
    protected override async ValueTask<DeleteTopicsResponse?> HandleAsync(RequestContext context,
        DeleteTopicsRequest request, CancellationToken cancellationToken)
    {
        List<TopicToDelete> topics = Requested(context.ApiVersion, request);
        IReadOnlyList<DeleteTopicResult> results = topics.Count == 0
            ? []
            : await controller.DeleteTopicsAsync(topics, cancellationToken).ConfigureAwait(false);
        var response = new DeleteTopicsResponse();
        for (int i = 0; i < results.Count; i++)
        {
            DeleteTopicResult deleted = results[i];
            ErrorCode error = ErrorMapping.ToErrorCode(deleted.Status);
            if (error == ErrorCode.TopicDeletionDisabled && context.ApiVersion < 3) error = ErrorCode.InvalidRequest;
            response.Responses.Add(new TopicResult
            {
                // Before v6 the name is not nullable: echo the one asked for.
                Name = deleted.Name ?? topics[i].Name,
                TopicId = deleted.TopicId,
                ErrorCode = (short)error,
                ErrorMessage = deleted.Message,
            });
        }
        return response;
    }

    private static List<TopicToDelete> Requested(short version, DeleteTopicsRequest request)
    {
        var topics = new List<TopicToDelete>();
        if (version >= 6)
        {
            foreach (DeleteTopicsRequest.DeleteTopicState topic in request.Topics)
                topics.Add(new TopicToDelete(topic.Name, topic.TopicId));
        }
        else
        {
            foreach (string name in request.TopicNames) topics.Add(TopicToDelete.ByName(name));
        }
        return topics;
    }
}
