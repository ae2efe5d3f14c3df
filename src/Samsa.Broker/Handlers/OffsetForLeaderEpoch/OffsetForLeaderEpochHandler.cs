using EpochEndOffset = Samsa.Protocol.Messages.OffsetForLeaderEpochResponse.EpochEndOffset;

namespace Samsa.Broker.Handlers;

// OffsetForLeaderEpoch v0–4. Behaviour: for each partition this broker leads, where the requested leader epoch ends
// in the log (the start offset of the next larger epoch, or the log end offset for the latest one) and the largest
// epoch at or below it, from the log's epoch cache; an epoch newer than any in the log (or a log without epochs)
// answers -1/-1 without error, as Kafka does. A partition this broker has no replica of answers
// NOT_LEADER_OR_FOLLOWER (UNKNOWN_TOPIC_OR_PARTITION when it does not exist), an offline log KAFKA_STORAGE_ERROR;
// then a current leader epoch (v2+; -1 for none) below this broker's is FENCED_LEADER_EPOCH, above it
// UNKNOWN_LEADER_EPOCH, and a replica that does not lead answers NOT_LEADER_OR_FOLLOWER.
// The replica id (v3+: a follower's id, -1 for a consumer, -2 for a debug tool) does not change the answer: in
// Kafka only authorization looks at it, and followers and consumers alike must ask the leader.
// Version notes: v1 adds the leader epoch to the response; v2 the current leader epoch; v3 the replica id; v4
// first flexible.
[ApiHandler(ApiKey.OffsetForLeaderEpoch, MinVersion = 0, MaxVersion = 4)]
internal sealed class OffsetForLeaderEpochHandler(ReplicaManager replicas, MetadataLoader metadata)
    : SyncApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>
{
    private const int NoEpoch = -1;

    protected override OffsetForLeaderEpochResponse Handle(RequestContext context, OffsetForLeaderEpochRequest request)
    {
        var response = new OffsetForLeaderEpochResponse();
        foreach (OffsetForLeaderEpochRequest.OffsetForLeaderTopic topic in request.Topics)
        {
            var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            response.Topics.Add(topicResult);
            foreach (OffsetForLeaderEpochRequest.OffsetForLeaderPartition requested in topic.Partitions)
            {
                var result = new EpochEndOffset { Partition = requested.Partition };
                topicResult.Partitions.Add(result);
                result.ErrorCode = (short)Lookup(topic.Topic, requested, result);
            }
        }
        return response;
    }

    private ErrorCode Lookup(string topic, OffsetForLeaderEpochRequest.OffsetForLeaderPartition requested,
        EpochEndOffset result)
    {
        if (!replicas.TryGetPartition(topic, requested.Partition, out Partition? partition))
        {
            return metadata.Current.Topics.TryGetPartition(topic, requested.Partition, out _)
                ? ErrorCode.NotLeaderOrFollower
                : ErrorCode.UnknownTopicOrPartition;
        }
        if (partition!.Log.IsOffline) return ErrorCode.KafkaStorageError;
        PartitionState state = partition.State;
        if (requested.CurrentLeaderEpoch != NoEpoch && requested.CurrentLeaderEpoch != state.LeaderEpoch)
        {
            return requested.CurrentLeaderEpoch < state.LeaderEpoch
                ? ErrorCode.FencedLeaderEpoch
                : ErrorCode.UnknownLeaderEpoch;
        }
        if (!state.IsLeader) return ErrorCode.NotLeaderOrFollower;
        OffsetAndEpoch end = partition.Log.EndOffsetForEpoch(requested.LeaderEpoch);
        result.LeaderEpoch = end.LeaderEpoch;
        result.EndOffset = end.Offset;
        return ErrorCode.None;
    }
}
