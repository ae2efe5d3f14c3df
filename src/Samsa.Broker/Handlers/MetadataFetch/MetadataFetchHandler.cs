using System.Buffers;
using Samsa.Metadata.Log;
using PartitionData = Samsa.Protocol.Messages.FetchResponse.PartitionData;

namespace Samsa.Broker.Handlers;

// Fetch v4–17 on the controller listener: brokers follow the metadata log here, as KRaft observers do. Behaviour: the
// only partition served is __cluster_metadata-0 (by name, or from v13 by Kafka's fixed topic id); anything else is
// UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id). Whole committed batches from the fetch offset, waiting up to
// max_wait_ms when there are none yet; a follower far behind gets a snapshot id instead (v12+), which it reads with
// FetchSnapshot; an offset past the log's end is OFFSET_OUT_OF_RANGE. The response names the log's leader (v12+).
[ApiHandler(ApiKey.Fetch, MinVersion = 4, MaxVersion = 17)]
internal sealed class MetadataFetchHandler(MetadataLogServer server) : ApiHandler<FetchRequest, FetchResponse>
{
    private static readonly TimeSpan MostWait = TimeSpan.FromSeconds(30);

    protected override async ValueTask<FetchResponse?> HandleAsync(RequestContext context, FetchRequest request,
        CancellationToken cancellationToken)
    {
        bool byId = context.ApiVersion >= 13;
        var response = new FetchResponse();
        foreach (FetchRequest.FetchTopic topic in request.Topics)
        {
            var answer = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, TopicId = topic.TopicId };
            response.Responses.Add(answer);
            bool metadata = byId
                ? topic.TopicId == MetadataWireFormat.TopicId
                : topic.Topic == MetadataWireFormat.TopicName;
            foreach (FetchRequest.FetchPartition partition in topic.Partitions)
            {
                if (!metadata || partition.Partition != 0)
                {
                    answer.Partitions.Add(Failed(partition.Partition,
                        byId && !metadata ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition));
                    continue;
                }
                TimeSpan wait = TimeSpan.FromMilliseconds(
                    Math.Clamp(request.MaxWaitMs, 0, (int)MostWait.TotalMilliseconds));
                int maxBytes = Math.Max(1, Math.Min(request.MaxBytes, partition.PartitionMaxBytes));
                MetadataFetchResult result = await server.FetchAsync(partition.FetchOffset, wait, maxBytes,
                    cancellationToken).ConfigureAwait(false);
                answer.Partitions.Add(Answer(partition.Partition, result));
            }
        }
        return response;
    }

    private PartitionData Answer(int partition, MetadataFetchResult result)
    {
        LeaderAndEpoch leader = server.Leader;
        var data = new PartitionData
        {
            PartitionIndex = partition,
            ErrorCode = (short)(result.Status == MetadataFetchStatus.OffsetOutOfRange
                ? ErrorCode.OffsetOutOfRange
                : ErrorCode.None),
            HighWatermark = result.HighWatermark,
            LastStableOffset = result.HighWatermark,
            LogStartOffset = 0,
            CurrentLeader = new FetchResponse.LeaderIdAndEpoch
            {
                LeaderId = leader.LeaderId, LeaderEpoch = leader.Epoch,
            },
            Records = result.Records is { } records ? new ReadOnlySequence<byte>(records) : null,
        };
        if (result.HasSnapshot)
        {
            data.SnapshotId = new FetchResponse.SnapshotId
            {
                EndOffset = result.SnapshotId.EndOffset, Epoch = result.SnapshotId.Epoch,
            };
        }
        return data;
    }

    private static PartitionData Failed(int partition, ErrorCode error) =>
        new() { PartitionIndex = partition, ErrorCode = (short)error, HighWatermark = -1 };
}
