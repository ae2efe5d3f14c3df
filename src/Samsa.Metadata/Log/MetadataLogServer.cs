using System.Buffers;

namespace Samsa.Metadata.Log;

// A fetch names the next offset the follower wants. It waits (up to its max wait) until the log has committed that
// offset, then gets whole batches from there, at least one even past maxBytes, as Kafka's fetch does. A follower more
// than SnapshotLag records behind, or starting from nothing on a long log, is pointed at a snapshot of the current
// image instead (Kafka's SnapshotId in the fetch response); it reads it in chunks with FetchSnapshot and goes on
// fetching from the snapshot's end. The snapshot is built once per image offset and kept until a newer one is asked
// for, so chunks of one snapshot always come from the same bytes; a chunk of a snapshot no longer kept is
// SnapshotNotFound, and the follower fetches again. A fetch past the log's end means the follower holds records this
// log does not (a log wiped and formed again): OffsetOutOfRange.
/// <summary>
/// Serves the metadata log to the brokers that follow it, as KRaft's leader serves observers: fetches of committed
/// batches with long polling, and snapshots for followers far behind.
/// </summary>
/// <remarks>Thread-safe: fetches from many brokers run in parallel.</remarks>
public sealed class MetadataLogServer(IMetadataLog log, MetadataLoader loader, TimeProvider time,
    long snapshotLag = MetadataLogServer.DefaultSnapshotLag)
{
    /// <summary>How far behind a follower may be before it gets a snapshot rather than the records.</summary>
    public const long DefaultSnapshotLag = 10_000;

    private readonly Lock _snapshotLock = new();
    private Snapshot? _snapshot;

    /// <summary>The log's leader, as the fetch response's current leader names it.</summary>
    public LeaderAndEpoch Leader => log.Leader;

    /// <summary>Answers a follower that wants the records from <paramref name="fetchOffset"/> on.</summary>
    public async Task<MetadataFetchResult> FetchAsync(long fetchOffset, TimeSpan maxWait, int maxBytes,
        CancellationToken cancellationToken)
    {
        long end = log.CommittedOffset + 1;
        if (fetchOffset < 0 || fetchOffset > end)
            return new MetadataFetchResult(MetadataFetchStatus.OffsetOutOfRange, end, null, default);
        if (end - fetchOffset > snapshotLag)
        {
            Snapshot snapshot = CurrentSnapshot();
            return new MetadataFetchResult(MetadataFetchStatus.Ok, end, null, (snapshot.EndOffset, snapshot.Epoch));
        }
        if (fetchOffset == end && maxWait > TimeSpan.Zero)
        {
            using var timeout = new CancellationTokenSource(maxWait, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await loader.WaitForOffsetAsync(fetchOffset, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested &&
                                                     !cancellationToken.IsCancellationRequested)
            {
                return new MetadataFetchResult(MetadataFetchStatus.Ok, log.CommittedOffset + 1, null, default);
            }
        }
        var output = new ArrayBufferWriter<byte>();
        await foreach (MetadataBatch batch in log.ReadAsync(fetchOffset, cancellationToken).ConfigureAwait(false))
        {
            if (batch.LastOffset < fetchOffset) continue;
            if (output.WrittenCount > 0 && output.WrittenCount >= maxBytes) break;
            MetadataWireFormat.Write(batch, output);
        }
        return new MetadataFetchResult(MetadataFetchStatus.Ok, log.CommittedOffset + 1, output.WrittenMemory, default);
    }

    /// <summary>Up to <paramref name="maxBytes"/> of the snapshot <paramref name="endOffset"/>/<paramref
    /// name="epoch"/> from <paramref name="position"/>; null when that snapshot is no longer kept.</summary>
    public MetadataSnapshotChunk? ReadSnapshot(long endOffset, int epoch, long position, int maxBytes)
    {
        Snapshot? snapshot;
        lock (_snapshotLock) snapshot = _snapshot;
        if (snapshot is null || snapshot.EndOffset != endOffset || snapshot.Epoch != epoch) return null;
        if (position < 0 || position > snapshot.Bytes.Length) return null;
        int length = (int)Math.Min(Math.Max(maxBytes, 1), snapshot.Bytes.Length - position);
        return new MetadataSnapshotChunk(snapshot.Bytes.Length, position,
            snapshot.Bytes.AsMemory((int)position, length));
    }

    private Snapshot CurrentSnapshot()
    {
        MetadataImage image = loader.Current;
        lock (_snapshotLock)
        {
            if (_snapshot is { } kept && kept.EndOffset == image.Offset + 1) return kept;
            byte[] bytes = MetadataWireFormat.WriteSnapshot(image.ToRecords(), time.GetUtcNow());
            _snapshot = new Snapshot(image.Offset + 1, image.Epoch, bytes);
            return _snapshot;
        }
    }

    private sealed record Snapshot(long EndOffset, int Epoch, byte[] Bytes);
}

/// <summary>How a metadata fetch went.</summary>
public enum MetadataFetchStatus
{
    /// <summary>Records (possibly none) or a snapshot to load.</summary>
    Ok,

    /// <summary>The offset is past the log's end: the follower holds records this log does not.</summary>
    OffsetOutOfRange,
}

/// <summary>The answer to a metadata fetch.</summary>
/// <param name="Status">How it went.</param>
/// <param name="HighWatermark">The offset after the last committed record.</param>
/// <param name="Records">Whole batches from the fetch offset, as Kafka record batches; null with none.</param>
/// <param name="SnapshotId">When set (EndOffset ≥ 0), the follower should load this snapshot instead.</param>
public readonly record struct MetadataFetchResult(MetadataFetchStatus Status, long HighWatermark,
    ReadOnlyMemory<byte>? Records, (long EndOffset, int Epoch) SnapshotId)
{
    /// <summary>True when the follower is sent to a snapshot.</summary>
    public bool HasSnapshot => SnapshotId.EndOffset > 0;
}

/// <summary>A piece of a snapshot.</summary>
/// <param name="Size">The whole snapshot's size in bytes.</param>
/// <param name="Position">Where this piece starts.</param>
/// <param name="Bytes">The piece.</param>
public readonly record struct MetadataSnapshotChunk(long Size, long Position, ReadOnlyMemory<byte> Bytes);
