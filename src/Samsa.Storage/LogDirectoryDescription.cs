namespace Samsa.Storage;

/// <summary>One log directory's state and sizes: what DescribeLogDirs answers and metrics export.</summary>
/// <param name="Path">The directory.</param>
/// <param name="IsOffline">True after an I/O error.</param>
/// <param name="Partitions">Each partition log in it.</param>
public sealed record LogDirectoryDescription(string Path, bool IsOffline, IReadOnlyList<PartitionLogSize> Partitions)
{
    /// <summary>Bytes in all the directory's logs.</summary>
    public long TotalBytes
    {
        get
        {
            long total = 0;
            foreach (PartitionLogSize partition in Partitions)
                total += partition.Size;
            return total;
        }
    }
}

/// <summary>One partition log's size and offsets.</summary>
/// <param name="TopicPartition">The partition.</param>
/// <param name="Size">Bytes in its segments.</param>
/// <param name="LogStartOffset">Its log start offset.</param>
/// <param name="LogEndOffset">Its log end offset.</param>
public readonly record struct PartitionLogSize(TopicPartition TopicPartition, long Size, long LogStartOffset,
    long LogEndOffset);
