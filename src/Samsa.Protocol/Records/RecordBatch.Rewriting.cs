using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

// The two rewrites of a produced batch that need its records, as Kafka's LogValidator makes them: a max timestamp
// the header cannot hold honestly, computed from the records and stamped (the CRC recomputed), and recompression to
// a topic's compression.type. Both decompress into a pooled buffer bounded by the caller's limit (max.message.bytes
// on produce), so a small batch that inflates without end is refused before it is allocated.
public static partial class RecordBatch
{
    /// <summary>
    /// Whether the header's max timestamp can stand without decoding the records. It cannot when it is
    /// <see cref="RecordBatchHeader.NoTimestamp"/> (-1, what a client that never computes it writes: Sarama 1.22),
    /// or when it is below the base timestamp, which is the first record's timestamp (implementation.html, "Record
    /// Batch") unless a cleaner set the delete-horizon bit. Under <see cref="TimestampType.LogAppendTime"/> every
    /// record's timestamp is the max timestamp, so it always stands.
    /// </summary>
    /// <remarks>A max timestamp above the base that is still not the records' largest (a later record larger than
    /// the header says) cannot be told from the header; it stands, as the produce path does not decode.</remarks>
    public static bool IsMaxTimestampPlausible(in RecordBatchHeader header) =>
        header.TimestampType == TimestampType.LogAppendTime ||
        (header.MaxTimestamp != RecordBatchHeader.NoTimestamp &&
            (header.MaxTimestamp >= header.BaseTimestamp || header.HasDeleteHorizon));

    /// <summary>
    /// Computes the smallest and largest timestamps of the records of <paramref name="batch"/> and, under
    /// <see cref="TimestampType.CreateTime"/>, stamps the largest as the batch's max timestamp, recomputing the CRC
    /// when it changed.
    /// </summary>
    /// <param name="batch">Exactly one whole batch whose header and CRC the caller validated.</param>
    /// <param name="maxUncompressedBytes">The most the records may decompress to.</param>
    /// <param name="minTimestamp">The smallest record timestamp; <see cref="RecordBatchHeader.NoTimestamp"/> for
    /// no records.</param>
    /// <param name="maxTimestamp">The largest, as stamped.</param>
    /// <returns><see cref="RecordBatchRewriteStatus.Ok"/>, <see cref="RecordBatchRewriteStatus.RecordsTooLarge"/> or
    /// <see cref="RecordBatchRewriteStatus.Corrupt"/>; the batch is unchanged unless Ok.</returns>
    public static RecordBatchRewriteStatus TryStampMaxTimestamp(Span<byte> batch, int maxUncompressedBytes,
        out long minTimestamp, out long maxTimestamp)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        batch = batch[..header.SizeInBytes];
        minTimestamp = maxTimestamp = RecordBatchHeader.NoTimestamp;
        RecordBatchRewriteStatus status = TryInflate(batch, header, maxUncompressedBytes,
            out PooledBufferWriter? inflated);
        if (status != RecordBatchRewriteStatus.Ok) return status;
        using (inflated)
        {
            ReadOnlySpan<byte> records = inflated is null ? batch[L.HeaderSize..] : inflated.WrittenSpan;
            if (!TryRecordTimestamps(header, records, out minTimestamp, out maxTimestamp))
                return RecordBatchRewriteStatus.Corrupt;
        }
        if (header.TimestampType == TimestampType.CreateTime)
            SetMaxTimestamp(batch, TimestampType.CreateTime, maxTimestamp);
        return RecordBatchRewriteStatus.Ok;
    }

    /// <summary>
    /// Rebuilds <paramref name="batch"/> with <paramref name="codec"/> and appends it to
    /// <paramref name="destination"/>: the same base offset, last offset delta, partition leader epoch, base
    /// timestamp, producer id, producer epoch, base sequence, record count and attributes but the codec's bits; the
    /// records section byte for byte (every record's deltas, key, value and headers) before compression; the max
    /// timestamp computed from the records under <see cref="TimestampType.CreateTime"/>; a new CRC.
    /// </summary>
    /// <param name="batch">Exactly one whole batch whose header and CRC the caller validated.</param>
    /// <param name="codec">The codec of the rebuilt batch.</param>
    /// <param name="level">The codec's level (see <see cref="CompressionCodec.Compress"/>); null for its default.
    /// </param>
    /// <param name="maxBytes">The most the records may decompress to, and the most the rebuilt batch may take.</param>
    /// <param name="destination">Receives the rebuilt batch, written with one <c>GetSpan</c> of its exact size,
    /// and nothing unless the result is Ok.</param>
    /// <param name="minTimestamp">The smallest record timestamp.</param>
    /// <param name="maxTimestamp">The largest record timestamp (the header's max under LogAppendTime).</param>
    public static RecordBatchRewriteStatus TryRecompress(ReadOnlySpan<byte> batch, CompressionType codec, int? level,
        int maxBytes, IBufferWriter<byte> destination, out long minTimestamp, out long maxTimestamp)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        batch = batch[..header.SizeInBytes];
        minTimestamp = maxTimestamp = RecordBatchHeader.NoTimestamp;
        RecordBatchRewriteStatus status = TryInflate(batch, header, maxBytes, out PooledBufferWriter? inflated);
        if (status != RecordBatchRewriteStatus.Ok) return status;
        PooledBufferWriter? compressed = null;
        try
        {
            ReadOnlySpan<byte> records = inflated is null ? batch[L.HeaderSize..] : inflated.WrittenSpan;
            if (!TryRecordTimestamps(header, records, out minTimestamp, out maxTimestamp))
                return RecordBatchRewriteStatus.Corrupt;
            if (header.TimestampType == TimestampType.LogAppendTime) maxTimestamp = header.MaxTimestamp;
            compressed = new PooledBufferWriter(Math.Min(records.Length, maxBytes) + 64);
            CompressionCodec.Compress(codec, records, compressed, level);
            ReadOnlySpan<byte> payload = compressed.WrittenSpan;
            if ((long)L.HeaderSize + payload.Length > maxBytes) return RecordBatchRewriteStatus.BatchTooLarge;

            int size = L.HeaderSize + payload.Length;
            Span<byte> rebuilt = destination.GetSpan(size)[..size];
            batch[..L.HeaderSize].CopyTo(rebuilt);
            payload.CopyTo(rebuilt[L.HeaderSize..]);
            BinaryPrimitives.WriteInt32BigEndian(rebuilt[L.BatchLength..], size - L.LogOverhead);
            short attributes = (short)((header.Attributes & ~L.CompressionMask) | ((int)codec & L.CompressionMask));
            BinaryPrimitives.WriteInt16BigEndian(rebuilt[L.Attributes..], attributes);
            BinaryPrimitives.WriteInt64BigEndian(rebuilt[L.MaxTimestamp..], maxTimestamp);
            UpdateCrc(rebuilt);
            destination.Advance(size);
            return RecordBatchRewriteStatus.Ok;
        }
        finally
        {
            compressed?.Dispose();
            inflated?.Dispose();
        }
    }

    /// <summary>
    /// The batch's records decompressed into a pooled buffer of at most <paramref name="maxUncompressedBytes"/> (a
    /// buffer that never grows past one byte more); null when they are not compressed (the batch holds them).
    /// </summary>
    private static RecordBatchRewriteStatus TryInflate(ReadOnlySpan<byte> batch, in RecordBatchHeader header,
        int maxUncompressedBytes, out PooledBufferWriter? inflated)
    {
        inflated = null;
        ReadOnlySpan<byte> payload = batch[L.HeaderSize..];
        if (header.Compression == CompressionType.None)
        {
            return payload.Length > maxUncompressedBytes
                ? RecordBatchRewriteStatus.RecordsTooLarge
                : RecordBatchRewriteStatus.Ok;
        }
        // One array holds the records, so the limit cannot pass what an array can.
        int limit = Math.Min(maxUncompressedBytes, Array.MaxLength - 1);
        var buffer = new PooledBufferWriter((int)Math.Min((long)payload.Length * 4, (long)limit + 1),
            growthLimit: limit + 1);
        DecompressionStatus status = CompressionCodec.TryDecompress(header.Compression, payload, buffer, limit, out _);
        if (status == DecompressionStatus.Ok)
        {
            inflated = buffer;
            return RecordBatchRewriteStatus.Ok;
        }
        buffer.Dispose();
        return status == DecompressionStatus.TooLarge
            ? RecordBatchRewriteStatus.RecordsTooLarge
            : RecordBatchRewriteStatus.Corrupt;
    }

    /// <summary>
    /// The smallest and largest record timestamps (<see cref="RecordBatchHeader.NoTimestamp"/> for no records); false
    /// when the records do not decode: a count they do not fill, a length past the end, bytes after the last.
    /// </summary>
    private static bool TryRecordTimestamps(in RecordBatchHeader header, ReadOnlySpan<byte> records,
        out long minTimestamp, out long maxTimestamp)
    {
        minTimestamp = long.MaxValue;
        maxTimestamp = long.MinValue;
        try
        {
            foreach (Record record in new RecordReader(header, records))
            {
                minTimestamp = Math.Min(minTimestamp, record.Timestamp);
                maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            }
        }
        catch (ProtocolException)
        {
            return false;
        }
        if (minTimestamp > maxTimestamp) minTimestamp = maxTimestamp = RecordBatchHeader.NoTimestamp;
        return true;
    }
}
