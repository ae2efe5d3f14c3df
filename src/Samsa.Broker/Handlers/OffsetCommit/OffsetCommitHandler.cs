namespace Samsa.Broker.Handlers;

// OffsetCommit v0–9. Behaviour: a member of the current generation commits (also during a rebalance's join phase,
// not while the assignment is pending); generation -1 with no member id commits for an empty or unknown group
// (self-assigning consumers, admin clients). Metadata over offset.metadata.max.bytes gets
// OFFSET_METADATA_TOO_LARGE for that partition. A partition the metadata does not know (no such topic, or an index
// past its partition count) gets UNKNOWN_TOPIC_OR_PARTITION, whatever the group says, and the others of the request
// are committed; a request left with none does not reach the coordinator (as Kafka's KafkaApis filters them, for
// classic and consumer groups alike). The answer comes once the commit is in __consumer_offsets.
// Version notes: v1 generation, member and per-partition timestamp; v2–4 retention time (ignored, as Kafka does);
// v6 leader epochs; v7 group instance ids; v8 first flexible; v9 member epochs of consumer groups.
[ApiHandler(ApiKey.OffsetCommit, MinVersion = 0, MaxVersion = 9)]
internal sealed class OffsetCommitHandler(GroupCoordinator groups, MetadataLoader metadata)
    : ApiHandler<OffsetCommitRequest, OffsetCommitResponse>
{
    protected override ValueTask<OffsetCommitResponse?> HandleAsync(RequestContext context, OffsetCommitRequest request,
        CancellationToken cancellationToken)
    {
        List<OffsetCommitRequest.OffsetCommitRequestTopic> requested = request.Topics;
        bool[]? unknown = UnknownPartitions(requested, metadata.Current, out bool anyKnown);
        if (unknown is not null)
        {
            if (!anyKnown) return Answer(Respond(requested, unknown, default));
            request.Topics = KnownOnly(requested, unknown);
        }
        if (request.GroupId.Length == 0)
            return Answer(Respond(requested, unknown, OffsetsResult.Failed(GroupStatus.InvalidGroupId)));
        GroupStatus status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok) return Answer(Respond(requested, unknown, OffsetsResult.Failed(status)));
        if (context.ApiVersion == 0) request.GenerationIdOrMemberEpoch = -1;
        ValueTask<OffsetsResult> pending = shard!.CommitOffsetsAsync(request, context.ApiVersion);
        return pending.IsCompletedSuccessfully
            ? Answer(Respond(requested, unknown, pending.Result))
            : AwaitAsync(requested, unknown, pending);
    }

    private static ValueTask<OffsetCommitResponse?> Answer(OffsetCommitResponse response) =>
        ValueTask.FromResult<OffsetCommitResponse?>(response);

    private static async ValueTask<OffsetCommitResponse?> AwaitAsync(
        List<OffsetCommitRequest.OffsetCommitRequestTopic> requested, bool[]? unknown,
        ValueTask<OffsetsResult> pending) => Respond(requested, unknown, await pending.ConfigureAwait(false));

    /// <summary>
    /// Which requested partitions (in request order) the image has no partition for; null, without allocating, when
    /// it has them all.
    /// </summary>
    private static bool[]? UnknownPartitions(List<OffsetCommitRequest.OffsetCommitRequestTopic> requested,
        MetadataImage image, out bool anyKnown)
    {
        bool[]? unknown = null;
        anyKnown = false;
        int index = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in requested)
        {
            image.Topics.TryGetTopic(topic.Name, out TopicImage? known);
            foreach (OffsetCommitRequest.OffsetCommitRequestPartition partition in topic.Partitions)
            {
                if (known is not null && known.TryGetPartition(partition.PartitionIndex, out _))
                    anyKnown = true;
                else
                    (unknown ??= new bool[PartitionCount(requested)])[index] = true;
                index++;
            }
        }
        return unknown;
    }

    private static List<OffsetCommitRequest.OffsetCommitRequestTopic> KnownOnly(
        List<OffsetCommitRequest.OffsetCommitRequestTopic> requested, bool[] unknown)
    {
        var topics = new List<OffsetCommitRequest.OffsetCommitRequestTopic>(requested.Count);
        int index = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in requested)
        {
            var known = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = topic.Name };
            foreach (OffsetCommitRequest.OffsetCommitRequestPartition partition in topic.Partitions)
            {
                if (!unknown[index++]) known.Partitions.Add(partition);
            }
            if (known.Partitions.Count > 0) topics.Add(known);
        }
        return topics;
    }

    private static int PartitionCount(List<OffsetCommitRequest.OffsetCommitRequestTopic> topics)
    {
        int count = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in topics) count += topic.Partitions.Count;
        return count;
    }

    // Every requested partition, in request order: UNKNOWN_TOPIC_OR_PARTITION where the image had none, otherwise
    // what the coordinator said of it (its results count only the known partitions).
    private static OffsetCommitResponse Respond(List<OffsetCommitRequest.OffsetCommitRequestTopic> requested,
        bool[]? unknown, OffsetsResult result)
    {
        var response = new OffsetCommitResponse();
        int index = 0;
        int known = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in requested)
        {
            var topicResponse = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
            foreach (OffsetCommitRequest.OffsetCommitRequestPartition partition in topic.Partitions)
            {
                ErrorCode error = unknown is not null && unknown[index++]
                    ? ErrorCode.UnknownTopicOrPartition
                    : ErrorMapping.ToOffsetCommitErrorCode(result.PartitionStatus(known++));
                topicResponse.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex, ErrorCode = (short)error,
                });
            }
            response.Topics.Add(topicResponse);
        }
        return response;
    }
}
