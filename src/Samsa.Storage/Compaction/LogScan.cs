using System.Buffers;
using System.Runtime.InteropServices;
using Samsa.Protocol;

namespace Samsa.Storage.Compaction;

// What a cleaning pass must know about the whole log before it rewrites any of it, learned from one walk over the
// batch headers (control batches alone are decoded): the aborted transactions, where the first still-open transaction
// starts (the cleaner never goes past it), and each producer's last batch. Kafka reads these from its transaction
// index and producer-state snapshots; Samsa has neither yet, and a header walk costs little beside the rewrite.
/// <summary>Transactions and producers of a log, from its batch headers.</summary>
internal sealed class LogScan
{
    private readonly Dictionary<long, ProducerLast> _producers = [];

    private LogScan()
    {
    }

    /// <summary>Aborted transactions, by first offset.</summary>
    public List<AbortedTransaction> Aborted { get; } = [];

    /// <summary>The first offset of the earliest transaction without a marker yet, or
    /// <see cref="long.MaxValue"/>.</summary>
    public long FirstUnstableOffset { get; private set; } = long.MaxValue;

    /// <summary>Walks the visible batches of <paramref name="segments"/> (each acquired by the caller).</summary>
    /// <exception cref="IOException">Reading failed.</exception>
    public static LogScan Run(LogSegment[] segments)
    {
        var scan = new LogScan();
        var open = new Dictionary<long, long>();
        Span<byte> chunk = stackalloc byte[LogSegment.WalkChunkBytes];
        foreach (LogSegment segment in segments)
        {
            var walker = new BatchWalker(segment.Log, segment.BaseOffset, 0, segment.VisibleSize, chunk);
            while (walker.MoveNext())
            {
                RecordBatchHeader header = walker.Current;
                if (header.HasProducerId)
                {
                    ref ProducerLast last = ref CollectionsMarshal.GetValueRefOrAddDefault(scan._producers,
                        header.ProducerId, out bool existed);
                    if (!existed) last = new ProducerLast(-1, header.ProducerEpoch, header.MaxTimestamp);
                    last = new ProducerLast(header.IsControl ? last.LastDataOffset : header.LastOffset,
                        header.ProducerEpoch, Math.Max(last.LastTimestamp, header.MaxTimestamp));
                }
                if (header.IsTransactional && header.HasProducerId)
                {
                    if (!header.IsControl)
                    {
                        open.TryAdd(header.ProducerId, header.BaseOffset);
                    }
                    else if (open.Remove(header.ProducerId, out long firstOffset) &&
                        ReadMarkerType(segment, walker.Position, header) == MarkerType.Abort)
                    {
                        scan.Aborted.Add(new AbortedTransaction(header.ProducerId, firstOffset, header.LastOffset));
                    }
                }
                walker.Advance();
            }
        }
        foreach (long firstOffset in open.Values)
            scan.FirstUnstableOffset = Math.Min(scan.FirstUnstableOffset, firstOffset);
        scan.Aborted.Sort(static (a, b) => a.FirstOffset.CompareTo(b.FirstOffset));
        return scan;
    }

    /// <summary>
    /// Kafka keeps the last batch of each active producer, emptied if need be, because it carries the producer's last
    /// sequence (or, for a marker, its epoch) that idempotence and fencing check after a restart. Active means a
    /// batch within <paramref name="expiration"/> (<c>producer.id.expiration.ms</c>) of <paramref name="now"/>.
    /// </summary>
    public bool IsLastBatchOfActiveProducer(in RecordBatchHeader header, long now, TimeSpan expiration)
    {
        if (!header.HasProducerId || !_producers.TryGetValue(header.ProducerId, out ProducerLast last)) return false;
        if (expiration != TimeSpan.MaxValue && now - last.LastTimestamp > (long)expiration.TotalMilliseconds)
            return false;
        return last.LastDataOffset >= 0
            ? header.LastOffset == last.LastDataOffset
            : header.IsControl && header.ProducerEpoch == last.Epoch;
    }

    /// <summary>Decodes a control batch's record to tell a COMMIT from an ABORT.</summary>
    public static MarkerType ReadMarkerType(LogSegment segment, int position, in RecordBatchHeader header)
    {
        if (header.RecordCount == 0) return MarkerType.Empty;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(header.SizeInBytes);
        try
        {
            Span<byte> batch = buffer.AsSpan(0, header.SizeInBytes);
            if (segment.CopyTo(batch, position) != batch.Length) return MarkerType.Other;
            return ReadMarkerType(batch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The marker type of a whole control batch.</summary>
    public static MarkerType ReadMarkerType(ReadOnlySpan<byte> batch)
    {
        try
        {
            using RecordBatchContent content = RecordBatch.ReadRecords(batch, MaxControlBatchBytes, verifyCrc: false);
            foreach (Record record in content)
            {
                if (record.IsKeyNull) return MarkerType.Other;
                return ControlRecord.ReadType(record.Key) switch
                {
                    ControlRecordType.Commit => MarkerType.Commit,
                    ControlRecordType.Abort => MarkerType.Abort,
                    _ => MarkerType.Other,
                };
            }
            return MarkerType.Empty;
        }
        catch (ProtocolException)
        {
            return MarkerType.Other;
        }
    }

    private const int MaxControlBatchBytes = 1 << 20;

    private readonly record struct ProducerLast(long LastDataOffset, short Epoch, long LastTimestamp);
}
