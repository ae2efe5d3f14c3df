namespace Samsa.Protocol.Messages;

// Kafka's AlterReplicaLogDirsRequest.getErrorResponse answers by topic, not by log directory as the request asks: one
// result per topic of each directory, the error in each of its partitions. The generated rules mirror arrays level by
// level, so they cannot flatten the directories away.
public sealed partial class AlterReplicaLogDirsRequest
{
    static partial void OnErrorResponse(AlterReplicaLogDirsRequest request, AlterReplicaLogDirsResponse response,
        short version, ErrorCode error)
    {
        foreach (AlterReplicaLogDir dir in request.Dirs)
        {
            foreach (AlterReplicaLogDirTopic topic in dir.Topics)
            {
                var result = new AlterReplicaLogDirsResponse.AlterReplicaLogDirTopicResult { TopicName = topic.Name };
                foreach (int partition in topic.Partitions)
                {
                    result.Partitions.Add(new AlterReplicaLogDirsResponse.AlterReplicaLogDirPartitionResult
                    {
                        PartitionIndex = partition, ErrorCode = (short)error,
                    });
                }
                response.Results.Add(result);
            }
        }
    }
}
