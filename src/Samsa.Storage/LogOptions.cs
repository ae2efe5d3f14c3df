using Samsa.Protocol.Records;

namespace Samsa.Storage;

/// <summary>
/// The settings of one partition log, with Kafka's topic-level names and defaults. Immutable; a changed topic
/// config gives the log a new instance (<see cref="PartitionLog.UpdateOptions"/>).
/// </summary>
public sealed record LogOptions
{
    private readonly int _segmentBytes = 1 << 30;
    private readonly TimeSpan _segmentTime = TimeSpan.FromDays(7);
    private readonly int _indexIntervalBytes = 4096;
    private readonly TimeSpan _retentionTime = TimeSpan.FromDays(7);
    private readonly long _retentionBytes = -1;

    /// <summary>Kafka's defaults.</summary>
    public static LogOptions Default { get; } = new();

    /// <summary><c>segment.bytes</c>: the active segment rolls before an append would take it past this size.</summary>
    public int SegmentBytes
    {
        get => _segmentBytes;
        init => _segmentBytes = value >= RecordBatchLayout.HeaderSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value,
                $"segment.bytes must be at least {RecordBatchLayout.HeaderSize}");
    }

    /// <summary><c>segment.ms</c>: the active segment rolls once its first batch is this old.</summary>
    public TimeSpan SegmentTime
    {
        get => _segmentTime;
        init => _segmentTime = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "segment.ms must be positive");
    }

    /// <summary><c>index.interval.bytes</c>: log bytes between two entries of the sparse offset index.</summary>
    public int IndexIntervalBytes
    {
        get => _indexIntervalBytes;
        init => _indexIntervalBytes = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "index.interval.bytes must be >= 0");
    }

    /// <summary>
    /// <c>retention.ms</c>: a segment whose largest timestamp is older than this is deleted.
    /// <see cref="Timeout.InfiniteTimeSpan"/> (Kafka's -1) keeps segments forever.
    /// </summary>
    public TimeSpan RetentionTime
    {
        get => _retentionTime;
        init => _retentionTime = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "retention.ms must be >= 0 or -1");
    }

    /// <summary><c>retention.bytes</c>: the oldest segments go while the log is larger than this; -1 is unlimited.</summary>
    public long RetentionBytes
    {
        get => _retentionBytes;
        init => _retentionBytes = value >= -1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "retention.bytes must be >= -1");
    }

    /// <summary><c>log.flush.mode</c>: whether an append waits for fdatasync.</summary>
    public LogFlushMode FlushMode { get; init; } = LogFlushMode.Replicated;

    /// <summary>
    /// <c>message.timestamp.type</c>: with <see cref="TimestampType.LogAppendTime"/> the leader stamps its clock
    /// into every batch it appends (which recomputes the batch's CRC).
    /// </summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;
}
