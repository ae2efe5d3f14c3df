namespace Samsa.Storage;

/// <summary>
/// The broker-wide settings of the <see cref="LogCleaner"/>, with Kafka's names; per-topic settings
/// (<c>min.cleanable.dirty.ratio</c>, the compaction lags, <c>delete.retention.ms</c>) are in <see cref="LogOptions"/>.
/// </summary>
public sealed record LogCleanerOptions
{
    private readonly long _dedupeBufferBytes = 128L << 20;
    private readonly TimeSpan _backoff = TimeSpan.FromSeconds(15);

    /// <summary>Kafka's defaults.</summary>
    public static LogCleanerOptions Default { get; } = new();

    /// <summary>
    /// <c>log.cleaner.dedupe.buffer.size</c>: the most memory the key map may take (24 bytes a key). It grows on
    /// demand; a pass over more distinct keys than fit cleans up to where the map filled, and the next pass goes on.
    /// </summary>
    public long DedupeBufferBytes
    {
        get => _dedupeBufferBytes;
        init => _dedupeBufferBytes = value >= 1 << 16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value,
                "log.cleaner.dedupe.buffer.size must be at least 65536");
    }

    /// <summary><c>log.cleaner.backoff.ms</c>: how long the background loop sleeps when no log needs a pass.</summary>
    public TimeSpan Backoff
    {
        get => _backoff;
        init => _backoff = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "log.cleaner.backoff.ms must be positive");
    }

    /// <summary>
    /// <c>producer.id.expiration.ms</c>: a producer whose last batch is older than this is no longer active, so the
    /// cleaner stops keeping its last batch (which holds its sequence number).
    /// </summary>
    public TimeSpan ProducerIdExpiration { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The most one batch's records may decompress to; a batch past it is kept whole, uncleaned.</summary>
    public int MaxBatchDecompressedBytes { get; init; } = 64 << 20;
}
