using PartitionResult = Samsa.Protocol.Messages.DeleteRecordsResponse.DeleteRecordsPartitionResult;

namespace Samsa.Broker.Handlers;

// DeleteRecords v0–2. Behaviour: for each partition this broker leads, moves the log start offset up to the given
// offset (-1: the high watermark), persisted before the answer, and deletes the whole segments below it; answers
// the new low watermark (the log start offset, unchanged when the offset is below it). An offset above the high
// watermark, or negative other than -1, is OFFSET_OUT_OF_RANGE; a topic whose cleanup.policy lacks delete is
// POLICY_VIOLATION; a partition this broker does not lead NOT_LEADER_OR_FOLLOWER, one that does not exist
// UNKNOWN_TOPIC_OR_PARTITION; an offline log directory KAFKA_STORAGE_ERROR. A failed partition's low watermark is
// -1. With one replica the low watermark is final at once; replication makes it the minimum over the replicas
// (Kafka's delayed delete). Version notes: v2 first flexible.
[ApiHandler(ApiKey.DeleteRecords, MinVersion = 0, MaxVersion = 2)]
internal sealed class DeleteRecordsHandler(ReplicaManager replicas, MetadataLoader metadata)
    : SyncApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
{
    private const long HighWatermark = -1;

    protected override DeleteRecordsResponse Handle(RequestContext context, DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
        foreach (DeleteRecordsRequest.DeleteRecordsTopic topic in request.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(topicResult);
            foreach (DeleteRecordsRequest.DeleteRecordsPartition requested in topic.Partitions)
            {
                var result = new PartitionResult { PartitionIndex = requested.PartitionIndex, LowWatermark = -1 };
                topicResult.Partitions.Add(result);
                result.ErrorCode = (short)Delete(topic.Name, requested, result);
            }
        }
        return response;
    }

    private ErrorCode Delete(string topic, DeleteRecordsRequest.DeleteRecordsPartition requested,
        PartitionResult result)
    {
        ErrorCode leader = LeaderLookup.Find(replicas, metadata.Current, topic, requested.PartitionIndex,
            LeaderLookup.AnyEpoch, out Partition? partition);
        if (leader != ErrorCode.None) return leader;
        PartitionState state = partition!.State;
        if (!state.Config.IsDeleteEnabled) return ErrorCode.PolicyViolation;
        long highWatermark = partition.HighWatermark;
        long offset = requested.Offset == HighWatermark ? highWatermark : requested.Offset;
        if (offset < 0 || offset > highWatermark) return ErrorCode.OffsetOutOfRange;
        LogStatus status;
        try
        {
            status = partition.Log.DeleteRecordsBefore(offset);
        }
        catch (ObjectDisposedException)
        {
            // The topic was deleted (or the broker is stopping) while this request ran: the replica is gone.
            return ErrorCode.NotLeaderOrFollower;
        }
        if (status != LogStatus.Ok) return ErrorMapping.ToErrorCode(status);
        result.LowWatermark = partition.Log.LogStartOffset;
        return ErrorCode.None;
    }
}
