using PartitionResponse = Samsa.Protocol.Messages.DescribeProducersResponse.PartitionResponse;

namespace Samsa.Broker.Handlers;

// DescribeProducers v0. Behaviour: for each partition this broker leads, the idempotent producers its log
// remembers (id, epoch, last sequence, last timestamp; no coordinator epoch or open transaction, as transactions
// are not served); another leader gives NOT_LEADER_OR_FOLLOWER, a missing partition UNKNOWN_TOPIC_OR_PARTITION.
// Version notes: v0 first, flexible.
[ApiHandler(ApiKey.DescribeProducers, MinVersion = 0, MaxVersion = 0)]
internal sealed class DescribeProducersHandler(ReplicaManager replicas, MetadataLoader metadata)
    : SyncApiHandler<DescribeProducersRequest, DescribeProducersResponse>
{
    protected override DescribeProducersResponse Handle(RequestContext context, DescribeProducersRequest request)
    {
        MetadataImage image = metadata.Current;
        var response = new DescribeProducersResponse();
        foreach (DescribeProducersRequest.TopicRequest topic in request.Topics)
        {
            var topicResponse = new DescribeProducersResponse.TopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            foreach (int index in topic.PartitionIndexes)
            {
                var partitionResponse = new PartitionResponse { PartitionIndex = index };
                topicResponse.Partitions.Add(partitionResponse);
                ErrorCode error = LeaderLookup.Find(replicas, image, topic.Name, index, LeaderLookup.AnyEpoch,
                    out Partition? partition);
                if (error != ErrorCode.None)
                {
                    partitionResponse.ErrorCode = (short)error;
                    partitionResponse.ErrorMessage = error.Message();
                    continue;
                }
                foreach (ProducerDescription producer in partition!.Log.DescribeProducers())
                {
                    partitionResponse.ActiveProducers.Add(new DescribeProducersResponse.ProducerState
                    {
                        ProducerId = producer.ProducerId,
                        ProducerEpoch = producer.ProducerEpoch,
                        LastSequence = producer.LastSequence,
                        LastTimestamp = producer.LastTimestamp,
                        CoordinatorEpoch = producer.CoordinatorEpoch,
                        CurrentTxnStartOffset = producer.CurrentTxnStartOffset,
                    });
                }
            }
        }
        return response;
    }
}
