using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol;
using Samsa.Protocol.Records;

namespace Samsa.Metadata.Log;

// One batch as the local metadata log stores it (big-endian, as Kafka's formats are):
//
//   int32  Length         bytes after this field
//   uint32 Crc            CRC-32C (Castagnoli, as record batches use) of the bytes after this field
//   int8   Magic          0
//   int64  BaseOffset     the offset of the first record
//   int32  Epoch          the leader epoch it was appended in
//   int64  AppendTimeMs   milliseconds since the Unix epoch
//   int32  RecordCount    at least 1
//   RecordCount times:  int32 Size, then the record framed by MetadataRecordSerde (int16 type, int16 version, body)
//
// A torn write shows as a length that runs past the end of the file or a CRC that does not match; either ends the log.
internal static class MetadataLogEntry
{
    public const int LengthSize = 4;
    public const int HeaderSize = 33;
    public const byte Magic = 0;

    /// <summary>The largest entry, header included (the reader refuses longer lengths before allocating).</summary>
    public const int MaxEntryBytes = 64 * 1024 * 1024;

    /// <summary>The smallest Length field: the header after it, and one record of at least a frame header.</summary>
    public const int MinLength = HeaderSize - LengthSize + 4 + MetadataRecordSerde.HeaderSize;

    public static byte[]? Encode(long baseOffset, int epoch, DateTimeOffset appendTime,
        IReadOnlyList<IMetadataRecord> records)
    {
        long size = HeaderSize;
        foreach (IMetadataRecord record in records) size += 4 + MetadataRecordSerde.GetSize(record);
        if (size > MaxEntryBytes) return null;
        var output = new ArrayBufferWriter<byte>((int)size);
        Span<byte> header = output.GetSpan(HeaderSize);
        BinaryPrimitives.WriteInt32BigEndian(header, (int)size - LengthSize);
        header[8] = Magic;
        BinaryPrimitives.WriteInt64BigEndian(header[9..], baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(header[17..], epoch);
        BinaryPrimitives.WriteInt64BigEndian(header[21..], appendTime.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32BigEndian(header[29..], records.Count);
        output.Advance(HeaderSize);
        foreach (IMetadataRecord record in records)
        {
            BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), MetadataRecordSerde.GetSize(record));
            output.Advance(4);
            MetadataRecordSerde.Write(record, output);
        }
        byte[] bytes = output.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(8)));
        return bytes;
    }

    /// <summary>Checks a whole entry's CRC; false means a torn or damaged write.</summary>
    public static bool HasValidCrc(ReadOnlySpan<byte> entry) =>
        BinaryPrimitives.ReadUInt32BigEndian(entry[4..]) == Crc32C.Compute(entry[8..]);

    public static long BaseOffsetOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64BigEndian(entry[9..]);

    public static int RecordCountOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32BigEndian(entry[29..]);

    /// <summary>Decodes an entry whose CRC checked.</summary>
    /// <exception cref="InvalidDataException">The entry is well formed on disk but not readable by this
    /// Samsa.</exception>
    public static MetadataBatch Decode(ReadOnlyMemory<byte> entry)
    {
        ReadOnlySpan<byte> span = entry.Span;
        if (span[8] != Magic) throw new InvalidDataException($"metadata log entry has unknown magic {span[8]}");
        long baseOffset = BinaryPrimitives.ReadInt64BigEndian(span[9..]);
        int epoch = BinaryPrimitives.ReadInt32BigEndian(span[17..]);
        var appendTime = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[21..]));
        int count = BinaryPrimitives.ReadInt32BigEndian(span[29..]);
        if (count <= 0 || count > (entry.Length - HeaderSize) / (4 + MetadataRecordSerde.HeaderSize))
            throw new InvalidDataException($"metadata log entry at offset {baseOffset} claims {count} records");
        var records = new IMetadataRecord[count];
        int position = HeaderSize;
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (entry.Length - position < 4) throw new ProtocolException("record size runs past the entry");
                int size = BinaryPrimitives.ReadInt32BigEndian(entry.Span[position..]);
                position += 4;
                if ((uint)size > (uint)(entry.Length - position))
                    throw new ProtocolException("record runs past the entry");
                records[i] = MetadataRecordSerde.Read(entry.Slice(position, size));
                position += size;
            }
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException(
                $"metadata log entry at offset {baseOffset} does not decode: {e.Message}", e);
        }
        if (position != entry.Length)
        {
            throw new InvalidDataException(
                $"metadata log entry at offset {baseOffset} has {entry.Length - position} extra bytes");
        }
        return new MetadataBatch(baseOffset, epoch, appendTime, records);
    }
}
