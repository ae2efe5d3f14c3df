using Cursor = Samsa.Protocol.Messages.DescribeTopicPartitionsResponse.Cursor;
using PartitionResult =
    Samsa.Protocol.Messages.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition;
using TopicResult = Samsa.Protocol.Messages.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic;

namespace Samsa.Broker.Handlers;

// DescribeTopicPartitions v0 (KIP-966). Behaviour: the named topics (none named: every topic), in name order, from
// the cursor on, with at most response_partition_limit partitions in all (capped at 2000, at least 1); when the
// limit cuts a topic, or is used up exactly before the next one, next_cursor says where to go on. Each partition
// carries its leader (-1 when the leader is fenced or has no endpoint on this listener), leader epoch, replicas,
// ISR, offline replicas (unregistered, fenced, or without this listener), and the eligible leader replicas and last
// known ELR the controller keeps (empty where the topic's min ISR is 1). A named topic that does not exist gets
// UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an illegal name). A cursor whose topic is not among those
// named, or whose partition is negative, fails the request with INVALID_REQUEST, as Kafka answers. Topic authorized
// operations are every operation on a topic (there is no authorizer). Version notes: v0 first, flexible.
[ApiHandler(ApiKey.DescribeTopicPartitions, MinVersion = 0, MaxVersion = 0)]
internal sealed class DescribeTopicPartitionsHandler(MetadataLoader metadata)
    : SyncApiHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>
{
    /// <summary>Kafka's max.request.partition.size.limit default: the most partitions one response carries.</summary>
    private const int MaxPartitionsPerResponse = 2000;

    // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS: Kafka's operations on a
    // topic, as bits of their AclOperation codes.
    protected override DescribeTopicPartitionsResponse Handle(RequestContext context,
        DescribeTopicPartitionsRequest request)
    {
        MetadataImage image = metadata.Current;
        DescribeTopicPartitionsRequest.CursorData? cursor = request.Cursor;
        bool all = request.Topics.Count == 0;
        SortedSet<string> names = NamesFrom(cursor?.TopicName ?? "", all ? image : null, request);
        // The cursor's topic must be among those named, and its partition valid.
        if (cursor is not null && (cursor.PartitionIndex < 0 || (!all && !names.Contains(cursor.TopicName))))
            return request.ErrorResponse(context.ApiVersion, ErrorCode.InvalidRequest);

        var response = new DescribeTopicPartitionsResponse();
        int remaining = Math.Max(Math.Min(MaxPartitionsPerResponse, request.ResponsePartitionLimit), 1);
        foreach (string name in names)
        {
            if (remaining == 0)
            {
                response.NextCursor = new Cursor { TopicName = name, PartitionIndex = 0 };
                break;
            }
            if (!image.Topics.TryGetTopic(name, out TopicImage? topic))
            {
                if (!all) response.Topics.Add(Missing(name));
                continue;
            }
            int start = cursor is not null && name == cursor.TopicName ? cursor.PartitionIndex : 0;
            int end = (int)Math.Min(topic.PartitionCount, (long)start + remaining);
            var result = new TopicResult
            {
                Name = name,
                TopicId = topic.TopicId,
                IsInternal = name.StartsWith("__", StringComparison.Ordinal),
                TopicAuthorizedOperations = AuthorizedOperations.Topic,
            };
            for (int p = start; p < end; p++) result.Partitions.Add(Describe(topic.Partitions[p], image, context));
            response.Topics.Add(result);
            if (end < topic.PartitionCount)
            {
                response.NextCursor = new Cursor { TopicName = name, PartitionIndex = end };
                break;
            }
            remaining -= Math.Max(end - start, 0);
        }
        return response;
    }

    /// <summary>The topics to describe from the cursor's on, in name order: every topic of
    /// <paramref name="allOf"/> when it is given, else those the request names.</summary>
    private static SortedSet<string> NamesFrom(string cursorTopic, MetadataImage? allOf,
        DescribeTopicPartitionsRequest request)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (allOf is not null)
        {
            foreach (TopicImage topic in allOf.Topics.All)
            {
                if (string.CompareOrdinal(topic.Name, cursorTopic) >= 0) names.Add(topic.Name);
            }
            return names;
        }
        foreach (DescribeTopicPartitionsRequest.TopicRequest topic in request.Topics)
        {
            if (string.CompareOrdinal(topic.Name, cursorTopic) >= 0) names.Add(topic.Name);
        }
        return names;
    }

    private static PartitionResult Describe(PartitionRegistration partition, MetadataImage image,
        RequestContext context)
    {
        var offline = new List<int>();
        foreach (int replica in partition.Replicas)
        {
            if (!IsAlive(image, replica, context.ListenerName)) offline.Add(replica);
        }
        return new PartitionResult
        {
            PartitionIndex = partition.Partition,
            LeaderId = IsAlive(image, partition.Leader, context.ListenerName)
                ? partition.Leader
                : PartitionRegistration.NoLeader,
            LeaderEpoch = partition.LeaderEpoch,
            ReplicaNodes = [.. partition.Replicas],
            IsrNodes = [.. partition.Isr],
            EligibleLeaderReplicas = [.. partition.Elr],
            LastKnownElr = [.. partition.LastKnownElr],
            OfflineReplicas = offline,
        };
    }

    // Registered, unfenced and reachable on the listener the client uses.
    private static bool IsAlive(MetadataImage image, int brokerId, string listenerName) =>
        image.Brokers.TryGetBroker(brokerId, out BrokerRegistration? broker) && !broker.IsFenced
        && broker.TryGetEndpoint(listenerName, out _);

    private static TopicResult Missing(string name) => new()
    {
        Name = name,
        ErrorCode = (short)(TopicName.TryValidate(name, out _)
            ? ErrorCode.UnknownTopicOrPartition
            : ErrorCode.InvalidTopicException),
        IsInternal = name.StartsWith("__", StringComparison.Ordinal),
        TopicAuthorizedOperations = AuthorizedOperations.Topic,
    };
}
