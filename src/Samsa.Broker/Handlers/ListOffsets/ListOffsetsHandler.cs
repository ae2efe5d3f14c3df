using PartitionResponse = Samsa.Protocol.Messages.ListOffsetsResponse.ListOffsetsPartitionResponse;

namespace Samsa.Broker.Handlers;

// ListOffsets v1–7. Behaviour: timestamp -2 (earliest) answers the log start offset, -1 (latest) the high
// watermark (the last stable offset under read_committed), -3 (max timestamp, KIP-734) the record with the
// largest timestamp, any other value the first offset whose timestamp is at or after it (offset -1 when none).
// Version notes: v2 isolation level; v4 leader epochs; v6 first flexible; v7 max timestamp.
[ApiHandler(ApiKey.ListOffsets, MinVersion = 1, MaxVersion = 7)]
internal sealed class ListOffsetsHandler(ReplicaManager replicas, MetadataLoader metadata)
    : SyncApiHandler<ListOffsetsRequest, ListOffsetsResponse>
{
    private const long Latest = -1;
    private const long Earliest = -2;
    private const long MaxTimestamp = -3;

    protected override ListOffsetsResponse Handle(RequestContext context, ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        bool epochs = context.ApiVersion >= 4;
        foreach (ListOffsetsRequest.ListOffsetsTopic topic in request.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            foreach (ListOffsetsRequest.ListOffsetsPartition requested in topic.Partitions)
            {
                var result = new PartitionResponse
                {
                    PartitionIndex = requested.PartitionIndex, Timestamp = -1, Offset = -1,
                };
                topicResponse.Partitions.Add(result);
                result.ErrorCode = (short)Lookup(topic.Name, requested, request.IsolationLevel == 1, result);
                if (!epochs) result.LeaderEpoch = -1;   // the field exists from v4 only
            }
        }
        return response;
    }

    private ErrorCode Lookup(string topic, ListOffsetsRequest.ListOffsetsPartition requested, bool readCommitted,
        PartitionResponse result)
    {
        ErrorCode leader = LeaderLookup.Find(replicas, metadata.Current, topic, requested.PartitionIndex,
            requested.CurrentLeaderEpoch, out Partition? partition);
        if (leader != ErrorCode.None) return leader;
        PartitionState state = partition!.State;
        PartitionLog log = partition.Log;
        long visibleEnd = readCommitted ? partition.LastStableOffset : partition.HighWatermark;
        // KIP-207: a new leader whose high watermark has not reached the start of its epoch does not know yet what
        // was committed; any answer but the earliest offset could move backwards, so the client retries.
        if (requested.Timestamp != Earliest && !partition.HighWatermarkReachedEpochStart)
            return ErrorCode.OffsetNotAvailable;
        switch (requested.Timestamp)
        {
            case Earliest:
                result.Offset = log.LogStartOffset;
                result.LeaderEpoch = state.LeaderEpoch;
                return ErrorCode.None;
            case Latest:
                result.Offset = visibleEnd;
                result.LeaderEpoch = state.LeaderEpoch;
                return ErrorCode.None;
            case MaxTimestamp:
                ReadStatus maxStatus = log.FindMaxTimestamp(out TimestampAndOffset? max);
                if (maxStatus != ReadStatus.Ok) return ErrorMapping.ToErrorCode(maxStatus);
                if (max is { } m && m.Offset < visibleEnd)
                {
                    result.Offset = m.Offset;
                    result.Timestamp = m.Timestamp;
                    result.LeaderEpoch = m.LeaderEpoch;
                }
                return ErrorCode.None;
            default:
                if (requested.Timestamp < 0) return ErrorCode.UnsupportedVersion;
                ReadStatus status = log.FindOffsetByTimestamp(requested.Timestamp, out TimestampAndOffset? found);
                if (status != ReadStatus.Ok) return ErrorMapping.ToErrorCode(status);
                if (found is { } f && f.Offset < visibleEnd)
                {
                    result.Offset = f.Offset;
                    result.Timestamp = f.Timestamp;
                    result.LeaderEpoch = f.LeaderEpoch;
                }
                return ErrorCode.None;
        }
    }
}
