using System.Globalization;

namespace Samsa.Storage.Checkpoints;

/// <summary>
/// A log dir's <c>recovery-point-offset-checkpoint</c>, <c>log-start-offset-checkpoint</c>,
/// <c>cleaner-offset-checkpoint</c> or <c>replication-offset-checkpoint</c>: one <c>topic partition offset</c> line
/// per partition (topic names hold no spaces).
/// </summary>
internal static class OffsetCheckpointFile
{
    public const string RecoveryPoint = "recovery-point-offset-checkpoint";
    public const string LogStartOffset = "log-start-offset-checkpoint";

    /// <summary>Per compacted partition, the first offset the cleaner has not yet cleaned (Kafka's name).</summary>
    public const string CleanerOffset = "cleaner-offset-checkpoint";

    /// <summary>Per partition, the high watermark this broker last knew (Kafka's name).</summary>
    public const string HighWatermark = "replication-offset-checkpoint";

    public static void Write(string path, Dictionary<TopicPartition, long> offsets)
    {
        var lines = new List<string>(offsets.Count);
        foreach (KeyValuePair<TopicPartition, long> entry in offsets)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{entry.Key.Topic} {entry.Key.Partition} {entry.Value}"));
        }
        lines.Sort(StringComparer.Ordinal);
        CheckpointFile.Write(path, lines);
    }

    /// <summary>The file's entries; empty when it is missing.</summary>
    public static Dictionary<TopicPartition, long> Read(string path)
    {
        var offsets = new Dictionary<TopicPartition, long>();
        List<string>? lines = CheckpointFile.Read(path);
        if (lines is null) return offsets;
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            if (fields.Length != 3 ||
                !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int partition))
            {
                throw new InvalidDataException($"{path}: '{line}' is not 'topic partition offset'");
            }
            offsets[new TopicPartition(fields[0], partition)] = CheckpointFile.ParseLong(path, fields[2]);
        }
        return offsets;
    }
}
