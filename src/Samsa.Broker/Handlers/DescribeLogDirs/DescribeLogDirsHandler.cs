using DirResult = Samsa.Protocol.Messages.DescribeLogDirsResponse.DescribeLogDirsResult;

namespace Samsa.Broker.Handlers;

// DescribeLogDirs v0–4. Behaviour: every directory of log.dirs by its absolute path. An offline one carries
// KAFKA_STORAGE_ERROR and nothing else; an online one lists the requested partitions it holds (null topics: all),
// grouped by topic, each with the bytes of its segments and its offset lag (high watermark minus log end offset,
// never negative, so 0 on a leader; -1 for a log that no replica owns). No log is ever a future log (there is no
// AlterReplicaLogDirs). Version notes: v2 first flexible; v3 adds the top-level error code; v4 the total and
// usable bytes of the directory's volume.
[ApiHandler(ApiKey.DescribeLogDirs, MinVersion = 0, MaxVersion = 4)]
internal sealed class DescribeLogDirsHandler(LogManager logs, ReplicaManager replicas)
    : SyncApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>
{
    private const long NoLag = -1;

    protected override DescribeLogDirsResponse Handle(RequestContext context, DescribeLogDirsRequest request)
    {
        HashSet<TopicPartition>? requested = null;
        if (request.Topics is { } topics)
        {
            requested = [];
            foreach (DescribeLogDirsRequest.DescribableLogDirTopic topic in topics)
            {
                foreach (int partition in topic.Partitions) requested.Add(new TopicPartition(topic.Topic, partition));
            }
        }
        var response = new DescribeLogDirsResponse();
        foreach (LogDirectoryDescription directory in logs.DescribeLogDirs())
        {
            var result = new DirResult { LogDir = Path.GetFullPath(directory.Path) };
            response.Results.Add(result);
            if (directory.IsOffline)
            {
                result.ErrorCode = (short)ErrorMapping.ToErrorCode(LogStatus.StorageError);
                continue;
            }
            var byTopic = new SortedDictionary<string, DescribeLogDirsResponse.DescribeLogDirsTopic>(
                StringComparer.Ordinal);
            foreach (PartitionLogSize log in directory.Partitions)
            {
                TopicPartition tp = log.TopicPartition;
                if (requested is not null && !requested.Contains(tp)) continue;
                if (!byTopic.TryGetValue(tp.Topic, out DescribeLogDirsResponse.DescribeLogDirsTopic? topic))
                {
                    topic = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = tp.Topic };
                    byTopic.Add(tp.Topic, topic);
                }
                topic.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition
                {
                    PartitionIndex = tp.Partition,
                    PartitionSize = log.Size,
                    OffsetLag = replicas.TryGetPartition(tp.Topic, tp.Partition, out Partition? partition)
                        ? Math.Max(partition!.HighWatermark - log.LogEndOffset, 0)
                        : NoLag,
                });
            }
            foreach (DescribeLogDirsResponse.DescribeLogDirsTopic topic in byTopic.Values)
            {
                topic.Partitions.Sort(static (a, b) => a.PartitionIndex.CompareTo(b.PartitionIndex));
                result.Topics.Add(topic);
            }
            (result.TotalBytes, result.UsableBytes) = VolumeBytes(result.LogDir);
        }
        return response;
    }

    // The size and free space of the volume holding the directory, as Kafka reports them; -1 when unknown.
    private static (long Total, long Usable) VolumeBytes(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (IOException)
        {
            return (-1, -1);
        }
        catch (UnauthorizedAccessException)
        {
            return (-1, -1);
        }
    }
}
