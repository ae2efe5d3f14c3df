using Samsa.Metadata.Configs;
using TopicResult = Samsa.Protocol.Messages.CreateTopicsResponse.CreatableTopicResult;

namespace Samsa.Broker.Handlers;

// CreateTopics v0–7. Behaviour: the controller creates each topic on its own (validate-only: checks it and writes
// nothing), with Kafka's rules and messages: a legal name that collides with no other, a partition count and
// replication factor (-1 for num.partitions and default.replication.factor), or a manual replica assignment with
// both -1, and known configs with valid values. A name twice in one request fails with INVALID_REQUEST. A topic
// that is (or would be) created reports its partition count, replication factor and every topic config with its
// value and source, sorted by name, as Kafka's controller answers; a failed one its error code and message.
// Version notes: v1 adds validate-only and messages; v4 documents -1 without assignments (accepted at every
// version, as KRaft does); v5 first flexible, counts and configs in the response; v7 topic ids.
[ApiHandler(ApiKey.CreateTopics, MinVersion = 0, MaxVersion = 7)]
internal sealed class CreateTopicsHandler(BrokerOptions options, MetadataLoader metadata,
    IController controller) : ApiHandler<CreateTopicsRequest, CreateTopicsResponse>
{
    protected override async ValueTask<CreateTopicsResponse?> HandleAsync(RequestContext context,
        CreateTopicsRequest request, CancellationToken cancellationToken)
    {
        var topics = new List<NewTopic>(request.Topics.Count);
        foreach (CreateTopicsRequest.CreatableTopic topic in request.Topics)
        {
            var assignments = new List<ReplicaAssignment>(topic.Assignments.Count);
            foreach (CreateTopicsRequest.CreatableReplicaAssignment a in topic.Assignments)
                assignments.Add(new ReplicaAssignment(a.PartitionIndex, a.BrokerIds));
            var configs = new List<KeyValuePair<string, string?>>(topic.Configs.Count);
            foreach (CreateTopicsRequest.CreatableTopicConfig c in topic.Configs)
                configs.Add(new KeyValuePair<string, string?>(c.Name, c.Value));
            topics.Add(new NewTopic(topic.Name, topic.NumPartitions, topic.ReplicationFactor, assignments, configs));
        }

        IReadOnlyList<CreateTopicResult> results = topics.Count == 0
            ? []
            : await controller.CreateTopicsAsync(topics, request.validateOnly, cancellationToken)
                .ConfigureAwait(false);

        var response = new CreateTopicsResponse();
        BrokerConfigValues? broker = null;
        for (int i = 0; i < results.Count; i++)
        {
            CreateTopicResult created = results[i];
            var result = new TopicResult
            {
                Name = request.Topics[i].Name,
                ErrorCode = (short)ErrorMapping.ToErrorCode(created.Status),
                ErrorMessage = created.Message,
            };
            response.Topics.Add(result);
            if (created.Status != ControllerStatus.Ok || context.ApiVersion < 5) continue;
            result.TopicId = created.TopicId;
            result.NumPartitions = created.NumPartitions;
            result.ReplicationFactor = created.ReplicationFactor;
            broker ??= ConfigResources.BrokerLayers(metadata.Current, options);
            result.Configs = DescribeConfigs(topics[i].Configs!, broker);
        }
        return response;
    }

    // The configs of a topic created with these overrides (the request's, which the controller accepted whole).
    private static List<CreateTopicsResponse.CreatableTopicConfigs> DescribeConfigs(
        IReadOnlyList<KeyValuePair<string, string?>> overrides, BrokerConfigValues broker)
    {
        var topicConfigs = new Dictionary<string, string>(overrides.Count, StringComparer.Ordinal);
        foreach ((string name, string? value) in overrides) topicConfigs[name] = value!;
        var entries = new List<ConfigEntry>(ConfigResolver.DescribeTopic(topicConfigs, broker));
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var configs = new List<CreateTopicsResponse.CreatableTopicConfigs>(entries.Count);
        foreach (ConfigEntry entry in entries)
        {
            configs.Add(new CreateTopicsResponse.CreatableTopicConfigs
            {
                Name = entry.Name,
                Value = entry.Value,
                ReadOnly = entry.IsReadOnly,
                ConfigSource = (sbyte)entry.Source,
                IsSensitive = entry.IsSensitive,
            });
        }
        return configs;
    }
}
