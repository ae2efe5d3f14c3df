using Samsa.Broker.Purgatory;
using Samsa.Broker.Replication;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

// Fetch v4–17. Behaviour: reads each partition from its fetch offset up to the high watermark (the last stable
// offset under read_committed; the log end for a follower), within partition_max_bytes and max_bytes, and always
// at least one whole batch for the first partition with data; fewer than min_bytes waits up to max_wait_ms and is
// woken by the append that makes enough bytes visible. Fetch sessions (KIP-227): a request for a new session gets
// session id 0, which tells the client that the broker keeps none, so it goes on sending full fetches.
// Version notes: v7 sessions; v12 first flexible; v13 topics by id; v15 replica state moves to a tagged field.
[ApiHandler(ApiKey.Fetch, MinVersion = 4, MaxVersion = 17)]
internal sealed class FetchHandler(ReplicaManager replicas, MetadataLoader metadata, TimeProvider time)
    : ApiHandler<FetchRequest, FetchResponseLease>
{
    protected override ValueTask<FetchResponseLease?> HandleAsync(RequestContext context, FetchRequest request,
        CancellationToken cancellationToken)
    {
        if (request.SessionId != 0 || request.SessionEpoch > 0)
        {
            ErrorCode error = request.SessionId != 0 ? ErrorCode.FetchSessionIdNotFound : ErrorCode.InvalidFetchSessionEpoch;
            return ValueTask.FromResult<FetchResponseLease?>(TopLevelError(error));
        }
        FetchPlan plan = FetchPlan.Create(request, context.ApiVersion, replicas, metadata.Current);
        int minBytes = request.MinBytes;
        if (request.MaxWaitMs <= 0 || minBytes <= 0 || plan.HasErrors || plan.AvailableBytes(minBytes) >= minBytes)
            return ValueTask.FromResult<FetchResponseLease?>(plan.Read());
        var delayed = new DelayedFetch(plan, minBytes, time, TimeSpan.FromMilliseconds(request.MaxWaitMs));
        delayed.Start();
        return new ValueTask<FetchResponseLease?>(delayed.Result);
    }

    private static FetchResponseLease TopLevelError(ErrorCode error)
    {
        var lease = new FetchResponseLease();
        lease.Response.ErrorCode = (short)error;
        return lease;
    }

    protected override FetchResponseLease ErrorResponse(RequestContext context, FetchRequest request, ErrorCode error)
    {
        var lease = TopLevelError(error);
        foreach (FetchRequest.FetchTopic topic in request.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, TopicId = topic.TopicId };
            foreach (FetchRequest.FetchPartition partition in topic.Partitions)
            {
                topicResponse.Partitions.Add(new FetchResponse.PartitionData
                {
                    PartitionIndex = partition.Partition, ErrorCode = (short)error, HighWatermark = -1,
                    Records = System.Buffers.ReadOnlySequence<byte>.Empty,
                });
            }
            lease.Response.Responses.Add(topicResponse);
        }
        return lease;
    }
}
