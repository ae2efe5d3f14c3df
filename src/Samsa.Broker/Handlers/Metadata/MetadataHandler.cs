using MetadataTopic = Samsa.Protocol.Messages.MetadataResponse.MetadataResponseTopic;

namespace Samsa.Broker.Handlers;

// Metadata v0–12. Behaviour: null topics (v1+) or an empty list (v0) means all topics; a named topic that does not
// exist is created with the defaults when the request allows it and auto.create.topics.enable is on, else
// UNKNOWN_TOPIC_OR_PARTITION. Unfenced brokers are listed with the endpoint of the listener the request came in on;
// the controller id is a live broker (this one when unfenced), never a controller-only node, as KRaft brokers answer.
// A partition whose leader is fenced or gone has leader -1, LEADER_NOT_AVAILABLE, and its fenced replicas offline.
// Authorized operations (v8+, cluster's v8-10 only) are reported when asked, as with no authorizer. Version notes:
// v9 first flexible; v10 adds topic ids; v12 allows topics by id only (null name).
[ApiHandler(ApiKey.Metadata, MinVersion = 0, MaxVersion = 12)]
internal sealed class MetadataHandler(BrokerOptions options, MetadataLoader metadata, IController controller)
    : ApiHandler<MetadataRequest, MetadataResponse>
{
    protected override ValueTask<MetadataResponse?> HandleAsync(RequestContext context, MetadataRequest request,
        CancellationToken cancellationToken)
    {
        List<string>? missing = null;
        if (request.Topics is { Count: > 0 } requested && request.AllowAutoTopicCreation
            && options.AutoCreateTopicsEnable)
        {
            MetadataImage image = metadata.Current;
            foreach (MetadataRequest.MetadataRequestTopic topic in requested)
            {
                if (topic.Name is { } name && !image.Topics.TryGetTopic(name, out _)
                    && TopicName.TryValidate(name, out _))
                    (missing ??= []).Add(name);
            }
        }
        if (missing is null) return ValueTask.FromResult<MetadataResponse?>(Build(context, request, metadata.Current));
        return CreateThenBuildAsync(context, request, missing, cancellationToken);
    }

    private async ValueTask<MetadataResponse?> CreateThenBuildAsync(RequestContext context, MetadataRequest request,
        List<string> missing, CancellationToken cancellationToken)
    {
        var topics = new List<NewTopic>(missing.Count);
        foreach (string name in missing) topics.Add(new NewTopic(name));
        await controller.CreateTopicsAsync(topics, validateOnly: false, cancellationToken).ConfigureAwait(false);
        return Build(context, request, metadata.Current);
    }

    private MetadataResponse Build(RequestContext context, MetadataRequest request, MetadataImage image)
    {
        var response = new MetadataResponse
        {
            ClusterId = image.ClusterId,
            ControllerId = image.Brokers.ControllerIdFor(options.NodeId),
        };
        if (context.ApiVersion is >= 8 and <= 10 && request.IncludeClusterAuthorizedOperations)
            response.ClusterAuthorizedOperations = AuthorizedOperations.Cluster;
        int topicOperations = context.ApiVersion >= 8 && request.IncludeTopicAuthorizedOperations
            ? AuthorizedOperations.Topic
            : AuthorizedOperations.NotRequested;
        foreach (BrokerRegistration broker in image.Brokers.All)
        {
            if (broker.IsFenced || !broker.TryGetEndpoint(context.ListenerName, out BrokerEndpoint endpoint)) continue;
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker
            {
                NodeId = broker.BrokerId, Host = endpoint.Host, Port = endpoint.Port, Rack = broker.Rack,
            });
        }
        bool all = request.Topics is null || (context.ApiVersion == 0 && request.Topics.Count == 0);
        if (all)
        {
            foreach (TopicImage topic in image.Topics.All) response.Topics.Add(Describe(topic, image, topicOperations));
            return response;
        }
        foreach (MetadataRequest.MetadataRequestTopic requested in request.Topics!)
        {
            TopicImage? topic = null;
            bool found = requested.Name is { } name
                ? image.Topics.TryGetTopic(name, out topic)
                : image.Topics.TryGetTopic(requested.TopicId, out topic);
            if (found)
            {
                response.Topics.Add(Describe(topic!, image, topicOperations));
                continue;
            }
            ErrorCode error = requested.Name is { } n && !TopicName.TryValidate(n, out _)
                ? ErrorCode.InvalidTopicException
                : requested.Name is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
            response.Topics.Add(new MetadataTopic
            {
                ErrorCode = (short)error, Name = requested.Name, TopicId = requested.TopicId,
            });
        }
        return response;
    }

    private static MetadataTopic Describe(TopicImage topic, MetadataImage image, int authorizedOperations)
    {
        var result = new MetadataTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = topic.Name.StartsWith("__", StringComparison.Ordinal),
            TopicAuthorizedOperations = authorizedOperations,
        };
        foreach (PartitionRegistration partition in topic.Partitions)
        {
            var offline = new List<int>();
            foreach (int replica in partition.Replicas)
            {
                if (!image.Brokers.IsUnfenced(replica)) offline.Add(replica);
            }
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = (short)(partition.HasLeader ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
                PartitionIndex = partition.Partition,
                LeaderId = partition.Leader,
                LeaderEpoch = partition.LeaderEpoch,
                ReplicaNodes = [.. partition.Replicas],
                IsrNodes = [.. partition.Isr],
                OfflineReplicas = offline,
            });
        }
        return result;
    }
}
