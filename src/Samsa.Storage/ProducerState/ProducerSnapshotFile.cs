using System.Buffers.Binary;

namespace Samsa.Storage.ProducerState;

// Kafka's producer snapshot, version 1 (ProducerStateManager's PID_SNAPSHOT_MAP_SCHEMA), big-endian:
//   version int16 (1) | crc uint32: CRC-32C of everything after it | entry count int32 | entries
//   entry: producer_id int64, epoch int16, last_sequence int32, last_offset int64, offset_delta int32,
//          timestamp int64, coordinator_epoch int32, current_txn_first_offset int64   (46 bytes)
// Kafka writes one entry per producer, its last batch. Samsa writes one entry per remembered batch, oldest first:
// Kafka's reader keeps the last entry of each producer id, so it reads the same state, while Samsa's reader gets
// the last five batches back and still answers a retry of any of them after a restart.
/// <summary>Reads and writes <c>&lt;20-digit offset&gt;.snapshot</c> files.</summary>
internal static class ProducerSnapshotFile
{
    public const string Suffix = ".snapshot";
    public const short Version = 1;
    private const int CrcOffset = 2;
    private const int EntriesOffset = 6;
    private const int EntryBytes = 46;

    public static string PathOf(string directory, long offset) => SegmentFiles.PathOf(directory, offset, Suffix);

    /// <summary>The offsets of the snapshots in <paramref name="directory"/>, ascending.</summary>
    public static List<long> List(string directory)
    {
        var offsets = new List<long>();
        foreach (string file in Directory.GetFiles(directory, "*" + Suffix))
        {
            if (SegmentFiles.TryParseBaseOffset(System.IO.Path.GetFileName(file), Suffix, out long offset))
                offsets.Add(offset);
        }
        offsets.Sort();
        return offsets;
    }

    /// <summary>
    /// Writes the snapshot through a temporary file renamed into place, so a reader never sees half of one; with
    /// <paramref name="sync"/> the file and the directory are synced first (clean shutdown). A snapshot lost to a
    /// crash costs only a longer replay of the log at the next start.
    /// </summary>
    public static void Write(string path, IEnumerable<ProducerStateEntry> producers, bool sync)
    {
        int entries = 0;
        foreach (ProducerStateEntry producer in producers)
            entries += producer.Count;
        byte[] bytes = new byte[EntriesOffset + 4 + entries * EntryBytes];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        BinaryPrimitives.WriteInt32BigEndian(span[EntriesOffset..], entries);
        int position = EntriesOffset + 4;
        foreach (ProducerStateEntry producer in producers)
        {
            for (int i = 0; i < producer.Count; i++)
            {
                BatchMetadata batch = producer[i];
                Span<byte> entry = span.Slice(position, EntryBytes);
                BinaryPrimitives.WriteInt64BigEndian(entry, producer.ProducerId);
                BinaryPrimitives.WriteInt16BigEndian(entry[8..], producer.Epoch);
                BinaryPrimitives.WriteInt32BigEndian(entry[10..], batch.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(entry[14..], batch.LastOffset);
                BinaryPrimitives.WriteInt32BigEndian(entry[22..], batch.OffsetDelta);
                BinaryPrimitives.WriteInt64BigEndian(entry[26..], batch.Timestamp);
                BinaryPrimitives.WriteInt32BigEndian(entry[34..], -1);
                BinaryPrimitives.WriteInt64BigEndian(entry[38..], -1);
                position += EntryBytes;
            }
        }
        BinaryPrimitives.WriteUInt32BigEndian(span[CrcOffset..], Crc32C.Compute(span[EntriesOffset..]));

        string temporary = path + ".tmp";
        using (var file = LogFile.Open(temporary, FileMode.Create, faults: null))
        {
            file.Write(bytes, 0);
            if (sync) file.Sync();
        }
        File.Move(temporary, path, overwrite: true);
        if (sync) FileSync.SyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Reads a snapshot's producers; entries of one producer id come oldest first and rebuild its last batches.
    /// </summary>
    /// <exception cref="InvalidDataException">A wrong version, length or CRC.</exception>
    public static List<(long ProducerId, short Epoch, BatchMetadata Batch)> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        if (span.Length < EntriesOffset + 4)
            throw new InvalidDataException($"{path}: {span.Length} bytes is too short for a producer snapshot");
        short version = BinaryPrimitives.ReadInt16BigEndian(span);
        if (version != Version)
            throw new InvalidDataException($"{path}: snapshot version {version}, expected {Version}");
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(span[CrcOffset..]);
        if (crc != Crc32C.Compute(span[EntriesOffset..]))
            throw new InvalidDataException($"{path}: the snapshot's CRC does not match its content");
        int count = BinaryPrimitives.ReadInt32BigEndian(span[EntriesOffset..]);
        if (count < 0 || (long)count * EntryBytes != span.Length - EntriesOffset - 4)
            throw new InvalidDataException($"{path}: {count} entries do not fill {span.Length} bytes");
        var entries = new List<(long, short, BatchMetadata)>(count);
        int position = EntriesOffset + 4;
        for (int i = 0; i < count; i++, position += EntryBytes)
        {
            ReadOnlySpan<byte> entry = span.Slice(position, EntryBytes);
            long producerId = BinaryPrimitives.ReadInt64BigEndian(entry);
            short epoch = BinaryPrimitives.ReadInt16BigEndian(entry[8..]);
            int lastSequence = BinaryPrimitives.ReadInt32BigEndian(entry[10..]);
            long lastOffset = BinaryPrimitives.ReadInt64BigEndian(entry[14..]);
            int offsetDelta = BinaryPrimitives.ReadInt32BigEndian(entry[22..]);
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(entry[26..]);
            if (offsetDelta < 0) throw new InvalidDataException($"{path}: negative offset delta for {producerId}");
            int firstSequence = ProducerStateManager.DecrementSequence(lastSequence, offsetDelta);
            entries.Add((producerId, epoch,
                new BatchMetadata(firstSequence, lastSequence, lastOffset - offsetDelta, lastOffset, timestamp)));
        }
        return entries;
    }
}
