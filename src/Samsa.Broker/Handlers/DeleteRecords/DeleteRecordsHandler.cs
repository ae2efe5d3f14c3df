using Samsa.Broker.Purgatory;
using PartitionResult = Samsa.Protocol.Messages.DeleteRecordsResponse.DeleteRecordsPartitionResult;

namespace Samsa.Broker.Handlers;

// DeleteRecords v0–2. Behaviour: for each partition this broker leads, moves the log start offset up to the given
// offset (-1: the high watermark), persisted before the answer, and deletes the whole segments below it; answers
// the new low watermark (the log start offset, unchanged when the offset is below it). An offset above the high
// watermark, or negative other than -1, is OFFSET_OUT_OF_RANGE; a topic whose cleanup.policy lacks delete is
// POLICY_VIOLATION; a partition this broker does not lead NOT_LEADER_OR_FOLLOWER, one that does not exist
// UNKNOWN_TOPIC_OR_PARTITION; an offline log directory KAFKA_STORAGE_ERROR. A failed partition's low watermark is
// -1. The answer waits (Kafka's delayed delete, up to timeout_ms, then REQUEST_TIMED_OUT) until every in-sync
// replica has moved its log start that far: the low watermark is the least log start over the ISR.
// Version notes: v2 first flexible.
[ApiHandler(ApiKey.DeleteRecords, MinVersion = 0, MaxVersion = 2)]
internal sealed class DeleteRecordsHandler(ReplicaManager replicas, MetadataLoader metadata,
    TimeProvider? time = null)
    : ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
{
    private const long HighWatermark = -1;

    protected override ValueTask<DeleteRecordsResponse?> HandleAsync(RequestContext context,
        DeleteRecordsRequest request, CancellationToken cancellationToken)
    {
        var response = new DeleteRecordsResponse();
        List<DelayedDeleteRecords.Waiting>? waiting = null;
        foreach (DeleteRecordsRequest.DeleteRecordsTopic topic in request.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(topicResult);
            foreach (DeleteRecordsRequest.DeleteRecordsPartition requested in topic.Partitions)
            {
                var result = new PartitionResult { PartitionIndex = requested.PartitionIndex, LowWatermark = -1 };
                topicResult.Partitions.Add(result);
                result.ErrorCode = (short)Delete(topic.Name, requested, result, ref waiting);
            }
        }
        if (waiting is null) return ValueTask.FromResult<DeleteRecordsResponse?>(response);
        var delayed = new DelayedDeleteRecords(response, waiting, time ?? TimeProvider.System,
            TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)));
        delayed.Start();
        return new ValueTask<DeleteRecordsResponse?>(delayed.Result);
    }

    private ErrorCode Delete(string topic, DeleteRecordsRequest.DeleteRecordsPartition requested,
        PartitionResult result, ref List<DelayedDeleteRecords.Waiting>? waiting)
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
        result.LowWatermark = partition.LowWatermark;
        if (result.LowWatermark < offset)
            (waiting ??= []).Add(new DelayedDeleteRecords.Waiting(result, partition, offset, state.LeaderEpoch));
        return ErrorCode.None;
    }
}
