using System.Buffers;
using Samsa.Metadata.Log;
using PartitionSnapshot = Samsa.Protocol.Messages.FetchSnapshotResponse.PartitionSnapshot;

namespace Samsa.Broker.Handlers;

// FetchSnapshot v0–1 on the controller listener. Behaviour: a follower sent to a snapshot by a metadata fetch reads
// it here in pieces of at most max_bytes from a position; a snapshot id the controller no longer keeps is
// SNAPSHOT_NOT_FOUND (the follower fetches again and is given the current one), a position past its end
// POSITION_OUT_OF_RANGE, any partition but __cluster_metadata-0 UNKNOWN_TOPIC_OR_PARTITION. Version notes: v1 adds
// the replica directory id and leader endpoints (tagged, left out).
[ApiHandler(ApiKey.FetchSnapshot, MinVersion = 0, MaxVersion = 1)]
internal sealed class FetchSnapshotHandler(MetadataLogServer server)
    : SyncApiHandler<FetchSnapshotRequest, FetchSnapshotResponse>
{
    protected override FetchSnapshotResponse Handle(RequestContext context, FetchSnapshotRequest request)
    {
        var response = new FetchSnapshotResponse();
        LeaderAndEpoch leader = server.Leader;
        foreach (FetchSnapshotRequest.TopicSnapshot topic in request.Topics)
        {
            var answer = new FetchSnapshotResponse.TopicSnapshot { Name = topic.Name };
            response.Topics.Add(answer);
            foreach (FetchSnapshotRequest.PartitionSnapshot partition in topic.Partitions)
            {
                var data = new PartitionSnapshot
                {
                    Index = partition.Partition,
                    SnapshotId = new FetchSnapshotResponse.SnapshotId
                    {
                        EndOffset = partition.SnapshotId.EndOffset, Epoch = partition.SnapshotId.Epoch,
                    },
                    CurrentLeader = new FetchSnapshotResponse.LeaderIdAndEpoch
                    {
                        LeaderId = leader.LeaderId, LeaderEpoch = leader.Epoch,
                    },
                };
                answer.Partitions.Add(data);
                if (topic.Name != MetadataWireFormat.TopicName || partition.Partition != 0)
                {
                    data.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                MetadataSnapshotChunk? chunk = server.ReadSnapshot(partition.SnapshotId.EndOffset,
                    partition.SnapshotId.Epoch, partition.Position, request.MaxBytes);
                if (chunk is not { } piece)
                {
                    data.ErrorCode = (short)(partition.Position < 0 ? ErrorCode.PositionOutOfRange
                        : ErrorCode.SnapshotNotFound);
                    continue;
                }
                data.Size = piece.Size;
                data.Position = piece.Position;
                data.UnalignedRecords = new ReadOnlySequence<byte>(piece.Bytes);
            }
        }
        return response;
    }
}
