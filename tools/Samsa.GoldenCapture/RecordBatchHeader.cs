using System.Buffers.Binary;

namespace Samsa.GoldenCapture;

/// <summary>
/// The fixed 61-byte header of a v2 record batch (protocol/docs/implementation.html), read only
/// to label and sanity-check captured batches.
/// </summary>
internal readonly record struct RecordBatchHeader(long BaseOffset, int BatchLength, sbyte Magic, short Attributes,
    long ProducerId, int RecordCount)
{
    public const int Size = 61;

    public int Compression => Attributes & 0x7;

    public bool IsTransactional => (Attributes & 0x10) != 0;

    public bool IsControl => (Attributes & 0x20) != 0;

    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size)
        {
            throw new InvalidDataException($"a record batch of {batch.Length} bytes is shorter than its header");
        }
        return new RecordBatchHeader(
            BaseOffset: BinaryPrimitives.ReadInt64BigEndian(batch),
            BatchLength: BinaryPrimitives.ReadInt32BigEndian(batch[8..]),
            Magic: (sbyte)batch[16],
            Attributes: BinaryPrimitives.ReadInt16BigEndian(batch[21..]),
            ProducerId: BinaryPrimitives.ReadInt64BigEndian(batch[43..]),
            RecordCount: BinaryPrimitives.ReadInt32BigEndian(batch[57..]));
    }

    /// <summary>A file-name label: the codec, then "-transactional" or "-control" when those bits are set.</summary>
    public string Label()
    {
        string codec = Compression switch
        {
            0 => "none",
            1 => "gzip",
            2 => "snappy",
            3 => "lz4",
            4 => "zstd",
            _ => $"codec{Compression}",
        };
        return IsControl ? $"{codec}-control" : IsTransactional ? $"{codec}-transactional" : codec;
    }
}
