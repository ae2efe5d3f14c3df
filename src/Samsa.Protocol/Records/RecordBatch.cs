using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using L = Samsa.Protocol.Records.RecordBatchLayout;

namespace Samsa.Protocol.Records;

/// <summary>
/// Operations on one record batch v2 held as bytes: validation, in-place stamping by the broker, and reading its
/// records (protocol/docs/implementation.html, "Record Batch").
/// </summary>
/// <remarks>
/// The produce path decodes records only when it must: it validates the header and CRC, stamps base offset and
/// partition leader epoch (both outside the CRC), and stores the bytes, unless the header's max timestamp cannot be
/// right or the topic's codec differs (the rewrites in <c>RecordBatch.Rewriting.cs</c>). Reading records is for the
/// paths that need them (those rewrites, internal topics, compaction, tools) and bounds decompression by a limit the
/// caller passes.
/// </remarks>
public static partial class RecordBatch
{
    /// <summary>
    /// Checks that <paramref name="batch"/> is exactly one well-formed v2 batch whose CRC matches.
    /// </summary>
    /// <param name="batch">The whole batch, and nothing after it.</param>
    /// <param name="header">The header, whenever at least 61 bytes with magic 2 were given; default otherwise.</param>
    public static RecordBatchValidation TryValidate(ReadOnlySpan<byte> batch, out RecordBatchHeader header) =>
        Validate(batch, verifyCrc: true, out header);

    /// <summary>
    /// As <see cref="TryValidate(ReadOnlySpan{byte}, out RecordBatchHeader)"/>, for a batch in segments.
    /// </summary>
    public static RecordBatchValidation TryValidate(in ReadOnlySequence<byte> batch, out RecordBatchHeader header)
    {
        if (batch.IsSingleSegment) return TryValidate(batch.FirstSpan, out header);
        header = default;
        if (batch.Length <= L.Magic) return RecordBatchValidation.TooShort;
        RecordBatchValidation magic = CheckMagic(batch.Slice(L.Magic, 1).FirstSpan[0]);
        if (magic != RecordBatchValidation.Ok) return magic;
        if (!RecordBatchHeader.TryRead(batch, out header)) return RecordBatchValidation.TooShort;
        if (!LengthMatches(header, batch.Length)) return RecordBatchValidation.BadLength;
        if (Crc32C.Compute(batch.Slice(L.CrcStart)) != header.Crc) return RecordBatchValidation.BadCrc;
        return CheckAttributes(header);
    }

    /// <summary>The CRC-32C that the batch's header should hold: over attributes to the end of the batch.</summary>
    /// <exception cref="ArgumentException">The span is shorter than the batch its header declares.</exception>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[L.CrcStart..WholeSize(batch)]);

    /// <summary>
    /// Decodes the records of <paramref name="batch"/>, decompressing them if need be into a pooled buffer that the
    /// result's Dispose returns.
    /// </summary>
    /// <param name="batch">Exactly one whole batch.</param>
    /// <param name="maxUncompressedBytes">The most a compressed records section may decompress to.</param>
    /// <param name="verifyCrc">False to skip the CRC, for bytes already validated.</param>
    /// <exception cref="ProtocolException">
    /// The batch is invalid, or its compressed records are corrupt or too large.
    /// </exception>
    public static RecordBatchContent ReadRecords(ReadOnlySpan<byte> batch, int maxUncompressedBytes,
        bool verifyCrc = true)
    {
        RecordBatchValidation result = Validate(batch, verifyCrc, out RecordBatchHeader header);
        if (result != RecordBatchValidation.Ok) throw new ProtocolException($"record batch is invalid: {result}");
        ReadOnlySpan<byte> payload = batch[L.HeaderSize..];
        if (header.Compression == CompressionType.None) return new RecordBatchContent(header, payload, null);

        // One array holds the records, so the limit cannot pass what an array can.
        maxUncompressedBytes = Math.Min(maxUncompressedBytes, Array.MaxLength - 1);
        int initial = (int)Math.Min((long)payload.Length * 4, (long)maxUncompressedBytes + 1);
        var buffer = new PooledBufferWriter(initial, growthLimit: maxUncompressedBytes + 1);
        try
        {
            CompressionCodec.Decompress(header.Compression, payload, buffer, maxUncompressedBytes);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        return new RecordBatchContent(header, buffer.WrittenSpan, buffer);
    }

    private static RecordBatchValidation Validate(ReadOnlySpan<byte> batch, bool verifyCrc,
        out RecordBatchHeader header)
    {
        header = default;
        if (batch.Length <= L.Magic) return RecordBatchValidation.TooShort;
        RecordBatchValidation magic = CheckMagic(batch[L.Magic]);
        if (magic != RecordBatchValidation.Ok) return magic;
        if (!RecordBatchHeader.TryRead(batch, out header)) return RecordBatchValidation.TooShort;
        RecordBatchHeader h = header;
        if (!LengthMatches(h, batch.Length)) return RecordBatchValidation.BadLength;
        if (verifyCrc && Crc32C.Compute(batch[L.CrcStart..]) != h.Crc) return RecordBatchValidation.BadCrc;
        return CheckAttributes(h);
    }

    private static RecordBatchValidation CheckMagic(byte magic) => magic switch
    {
        L.CurrentMagic => RecordBatchValidation.Ok,
        0 or 1 => RecordBatchValidation.LegacyMagic,
        _ => RecordBatchValidation.UnknownMagic,
    };

    private static bool LengthMatches(in RecordBatchHeader header, long length) =>
        header.BatchLength >= L.MinBatchLength && (long)header.BatchLength + L.LogOverhead == length;

    private static RecordBatchValidation CheckAttributes(in RecordBatchHeader header)
    {
        if ((int)header.Compression > (int)CompressionType.Zstd) return RecordBatchValidation.UnknownCompression;
        if (header.RecordCount < 0) return RecordBatchValidation.BadRecordCount;
        return RecordBatchValidation.Ok;
    }

    /// <summary>The batch's declared size, checked against the span that should hold it.</summary>
    private static int WholeSize(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < L.HeaderSize)
            throw new ArgumentException($"a record batch has at least {L.HeaderSize} bytes, not {batch.Length}",
                nameof(batch));
        long size = (long)BinaryPrimitives.ReadInt32BigEndian(batch[L.BatchLength..]) + L.LogOverhead;
        if (size < L.HeaderSize || size > batch.Length)
            throw new ArgumentException($"batch declares {size} bytes but {batch.Length} were given", nameof(batch));
        return (int)size;
    }
}
