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
    private readonly TimeSpan _deleteRetention = TimeSpan.FromDays(1);
    private readonly TimeSpan _minCompactionLag = TimeSpan.Zero;
    private readonly TimeSpan _maxCompactionLag = TimeSpan.MaxValue;
    private readonly double _minCleanableDirtyRatio = 0.5;
    private readonly TimeSpan _producerIdExpiration = TimeSpan.FromDays(1);

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

    /// <summary><c>retention.bytes</c>: the oldest segments go while the log is larger than this; -1 is
    /// unlimited.</summary>
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

    /// <summary>
    /// <c>cleanup.policy</c>: <see cref="CleanupPolicy.Delete"/> applies <see cref="RetentionTime"/> and
    /// <see cref="RetentionBytes"/>; <see cref="CleanupPolicy.Compact"/> lets the <see cref="LogCleaner"/> keep only
    /// the latest record of each key. Without Delete, retention by time and size is off whatever they say.
    /// </summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary>True when <see cref="CleanupPolicy"/> includes compact.</summary>
    public bool IsCompacted => (CleanupPolicy & CleanupPolicy.Compact) != 0;

    /// <summary>True when <see cref="CleanupPolicy"/> includes delete.</summary>
    public bool IsDeleteEnabled => (CleanupPolicy & CleanupPolicy.Delete) != 0;

    /// <summary>
    /// <c>delete.retention.ms</c>: how long a tombstone (a record with a null value), and a transaction marker with
    /// nothing left to mark, stay after the cleaner first meets them, so that a consumer reading from the start
    /// sees the delete. Kafka's default: one day.
    /// </summary>
    public TimeSpan DeleteRetention
    {
        get => _deleteRetention;
        init => _deleteRetention = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "delete.retention.ms must be >= 0");
    }

    /// <summary>
    /// <c>min.compaction.lag.ms</c>: a segment whose largest timestamp is younger than this is not cleaned yet, so
    /// consumers see every update for at least this long.
    /// </summary>
    public TimeSpan MinCompactionLag
    {
        get => _minCompactionLag;
        init => _minCompactionLag = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "min.compaction.lag.ms must be >= 0");
    }

    /// <summary>
    /// <c>max.compaction.lag.ms</c>: a log whose oldest uncleaned segment began longer ago than this is cleaned
    /// whatever its dirty ratio. <see cref="TimeSpan.MaxValue"/> (Kafka's default) never forces a pass.
    /// </summary>
    public TimeSpan MaxCompactionLag
    {
        get => _maxCompactionLag;
        init => _maxCompactionLag = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "max.compaction.lag.ms must be positive");
    }

    /// <summary>
    /// <c>producer.id.expiration.ms</c> (a broker config): a producer whose last batch is older than this is
    /// forgotten by the partition; its next batch may start at any sequence. Kafka's default: one day.
    /// </summary>
    public TimeSpan ProducerIdExpiration
    {
        get => _producerIdExpiration;
        init => _producerIdExpiration = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "producer.id.expiration.ms must be positive");
    }

    /// <summary>
    /// <c>min.cleanable.dirty.ratio</c>: the cleaner takes a log once its uncleaned bytes exceed this share of the
    /// log (Kafka's default 0.5).
    /// </summary>
    public double MinCleanableDirtyRatio
    {
        get => _minCleanableDirtyRatio;
        init => _minCleanableDirtyRatio = value is >= 0 and <= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value,
                "min.cleanable.dirty.ratio must be between 0 and 1");
    }
}
