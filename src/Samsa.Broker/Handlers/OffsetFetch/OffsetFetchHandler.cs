namespace Samsa.Broker.Handlers;

// OffsetFetch v1–9. Behaviour: the committed offsets of the named partitions (offset -1 and empty metadata where
// none is committed) or, with null topics (v2+), of every partition the group has committed. Version notes: v2
// null topics and a top-level error; v5 leader epochs; v6 first flexible; v7 require-stable (no pending
// transactional offsets exist yet, so it changes nothing); v8 several groups at once (KIP-709); v9 member epochs.
[ApiHandler(ApiKey.OffsetFetch, MinVersion = 1, MaxVersion = 9)]
internal sealed class OffsetFetchHandler(GroupCoordinator groups)
    : SyncApiHandler<OffsetFetchRequest, OffsetFetchResponse>
{
    protected override OffsetFetchResponse Handle(RequestContext context, OffsetFetchRequest request) =>
        context.ApiVersion < 8 ? FetchOneGroup(context, request) : FetchGroups(request);

    // v1–7: one group, whose error is the response's.
    private OffsetFetchResponse FetchOneGroup(RequestContext context, OffsetFetchRequest request)
    {
        List<(string, IReadOnlyList<int>)>? topics = null;
        if (request.Topics is not null)
        {
            topics = [];
            foreach (OffsetFetchRequest.OffsetFetchRequestTopic topic in request.Topics)
                topics.Add((topic.Name, topic.PartitionIndexes));
        }
        ErrorCode error = Fetch(request.GroupId, topics, out var result);
        if (error != ErrorCode.None) return ErrorResponse(context, request, error);
        bool epochs = context.ApiVersion >= 5;
        var response = new OffsetFetchResponse();
        foreach ((string topic, List<(int Partition, OffsetAndMetadata? Offset)> partitions) in result)
        {
            var topicResponse = new OffsetFetchResponse.OffsetFetchResponseTopic { Name = topic };
            foreach ((int partition, OffsetAndMetadata? offset) in partitions)
            {
                topicResponse.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
                {
                    PartitionIndex = partition,
                    CommittedOffset = offset?.Offset ?? -1,
                    CommittedLeaderEpoch = epochs ? offset?.LeaderEpoch ?? -1 : -1,
                    Metadata = offset?.Metadata ?? "",
                });
            }
            response.Topics.Add(topicResponse);
        }
        return response;
    }

    // v8+: several groups, each with its own error.
    private OffsetFetchResponse FetchGroups(OffsetFetchRequest request)
    {
        var response = new OffsetFetchResponse();
        foreach (OffsetFetchRequest.OffsetFetchRequestGroup group in request.Groups)
        {
            List<(string, IReadOnlyList<int>)>? topics = null;
            if (group.Topics is not null)
            {
                topics = [];
                foreach (OffsetFetchRequest.OffsetFetchRequestTopics topic in group.Topics)
                    topics.Add((topic.Name, topic.PartitionIndexes));
            }
            var groupResponse = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = group.GroupId };
            response.Groups.Add(groupResponse);
            ErrorCode error = Fetch(group.GroupId, topics, out var result);
            groupResponse.ErrorCode = (short)error;
            foreach ((string topic, List<(int Partition, OffsetAndMetadata? Offset)> partitions) in result)
            {
                var topicResponse = new OffsetFetchResponse.OffsetFetchResponseTopics { Name = topic };
                foreach ((int partition, OffsetAndMetadata? offset) in partitions)
                {
                    topicResponse.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartitions
                    {
                        PartitionIndex = partition,
                        CommittedOffset = offset?.Offset ?? -1,
                        CommittedLeaderEpoch = offset?.LeaderEpoch ?? -1,
                        Metadata = offset?.Metadata ?? "",
                    });
                }
                groupResponse.Topics.Add(topicResponse);
            }
        }
        return response;
    }

    private ErrorCode Fetch(string groupId, List<(string, IReadOnlyList<int>)>? topics,
        out List<(string Topic, List<(int Partition, OffsetAndMetadata? Offset)> Partitions)> result)
    {
        result = [];
        if (groupId.Length == 0) return ErrorCode.InvalidGroupId;
        GroupStatus status = groups.TryGetShard(groupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok) return ErrorMapping.ToErrorCode(status);
        result = shard!.FetchOffsets(groupId, topics);
        return ErrorCode.None;
    }
}
