using System.Buffers.Binary;

namespace Samsa.GoldenCapture;

/// <summary>Where a records field lies inside a captured frame.</summary>
internal readonly record struct RecordsSlice(string Topic, int Partition, int Offset, int Length, long HighWatermark);

/// <summary>
/// Just enough of ProduceRequest, FetchResponse and ApiVersionsResponse (protocol/messages) to
/// find their records fields and versions. Flexible versions use compact lengths and tagged-field sections.
/// </summary>
internal static class FrameParsers
{
    /// <summary>The records field of every partition in a Produce request (v3 to v12).</summary>
    public static List<RecordsSlice> ProduceRecords(byte[] frame, short version)
    {
        if (version < 3 || version > 12)
        {
            throw new NotSupportedException($"Produce v{version} is outside what the capture parses (v3-v12)");
        }
        bool flexible = ApiCatalog.IsFlexible(ApiCatalog.Produce, version);
        var cursor = new WireCursor(frame);
        cursor.SkipRequestHeader(ApiCatalog.RequestHeaderVersion(ApiCatalog.Produce, version));
        cursor.String(flexible);   // transactional_id
        cursor.Int16();            // acks
        cursor.Int32();            // timeout_ms
        var slices = new List<RecordsSlice>();
        int topics = cursor.ArrayLength(flexible);
        for (int t = 0; t < topics; t++)
        {
            string topic = cursor.String(flexible) ?? "";
            int partitions = cursor.ArrayLength(flexible);
            for (int p = 0; p < partitions; p++)
            {
                int index = cursor.Int32();
                (int offset, int length) = cursor.Bytes(flexible);
                slices.Add(new RecordsSlice(topic, index, offset, length, -1));
                if (flexible)
                {
                    cursor.SkipTaggedFields();
                }
            }
            if (flexible)
            {
                cursor.SkipTaggedFields();
            }
        }
        if (flexible)
        {
            cursor.SkipTaggedFields();
        }
        EnsureEnd(cursor, "Produce request");
        return slices;
    }

    /// <summary>The records field of every partition in a Fetch response (v4 to v16); topic ids come as hex.</summary>
    public static List<RecordsSlice> FetchRecords(byte[] frame, short version)
    {
        if (version < 4 || version > 16)
        {
            throw new NotSupportedException($"Fetch v{version} is outside what the capture parses (v4-v16)");
        }
        bool flexible = ApiCatalog.IsFlexible(ApiCatalog.Fetch, version);
        var cursor = new WireCursor(frame);
        cursor.SkipResponseHeader(ApiCatalog.ResponseHeaderVersion(ApiCatalog.Fetch, version));
        cursor.Int32();                   // throttle_time_ms
        if (version >= 7)
        {
            cursor.Int16();               // error_code
            cursor.Int32();               // session_id
        }
        var slices = new List<RecordsSlice>();
        int topics = cursor.ArrayLength(flexible);
        for (int t = 0; t < topics; t++)
        {
            string topic;
            if (version >= 13)
            {
                topic = Convert.ToHexString(frame, cursor.Position, 16);
                cursor.Skip(16);
            }
            else
            {
                topic = cursor.String(flexible) ?? "";
            }
            int partitions = cursor.ArrayLength(flexible);
            for (int p = 0; p < partitions; p++)
            {
                slices.Add(FetchPartition(ref cursor, topic, version, flexible));
            }
            SkipTaggedFieldsIf(ref cursor, flexible);
        }
        SkipTaggedFieldsIf(ref cursor, flexible);
        EnsureEnd(cursor, "Fetch response");
        return slices;
    }

    /// <summary>One partition of a Fetch response: where its records lie, and its high watermark.</summary>
    private static RecordsSlice FetchPartition(ref WireCursor cursor, string topic, short version, bool flexible)
    {
        int index = cursor.Int32();
        cursor.Int16();                    // error_code
        long highWatermark = cursor.Int64();
        cursor.Int64();                    // last_stable_offset
        if (version >= 5)
        {
            cursor.Int64();                // log_start_offset
        }
        int aborted = cursor.ArrayLength(flexible);
        for (int a = 0; a < aborted; a++)
        {
            cursor.Int64();                // producer_id
            cursor.Int64();                // first_offset
            SkipTaggedFieldsIf(ref cursor, flexible);
        }
        if (version >= 11)
        {
            cursor.Int32();                // preferred_read_replica
        }
        (int offset, int length) = cursor.Bytes(flexible);
        SkipTaggedFieldsIf(ref cursor, flexible);
        return new RecordsSlice(topic, index, offset, length, highWatermark);
    }

    /// <summary>The topics a Metadata response (v1 to v12) lists: name and, from v10, topic id as hex.</summary>
    public static List<(string? Name, string Id)> MetadataTopics(byte[] frame, short version) =>
        MetadataTopics(frame, version, out _);

    /// <summary>
    /// The topics a Metadata response (v1 to v12) lists, and how many bytes follow the end of its body (none in a
    /// well-formed frame).
    /// </summary>
    public static List<(string? Name, string Id)> MetadataTopics(byte[] frame, short version, out int trailingBytes)
    {
        if (version < 1 || version > 12)
        {
            throw new NotSupportedException($"Metadata v{version} is outside what the capture parses (v1-v12)");
        }
        bool flexible = ApiCatalog.IsFlexible(ApiCatalog.Metadata, version);
        var cursor = new WireCursor(frame);
        cursor.SkipResponseHeader(ApiCatalog.ResponseHeaderVersion(ApiCatalog.Metadata, version));
        if (version >= 3)
        {
            cursor.Int32();               // throttle_time_ms
        }
        SkipMetadataBrokers(ref cursor, flexible);
        if (version >= 2)
        {
            cursor.String(flexible);      // cluster_id
        }
        cursor.Int32();                   // controller_id
        var topics = new List<(string?, string)>();
        int count = cursor.ArrayLength(flexible);
        for (int t = 0; t < count; t++)
        {
            topics.Add(MetadataTopic(ref cursor, frame, version, flexible));
        }
        if (version >= 8 && version <= 10)
        {
            cursor.Int32();               // cluster_authorized_operations
        }
        SkipTaggedFieldsIf(ref cursor, flexible);
        trailingBytes = cursor.Remaining;
        return topics;
    }

    private static void SkipMetadataBrokers(ref WireCursor cursor, bool flexible)
    {
        int brokers = cursor.ArrayLength(flexible);
        for (int b = 0; b < brokers; b++)
        {
            cursor.Int32();               // node_id
            cursor.String(flexible);      // host
            cursor.Int32();               // port
            cursor.String(flexible);      // rack
            SkipTaggedFieldsIf(ref cursor, flexible);
        }
    }

    /// <summary>One topic of a Metadata response: its name and, from v10, its id as hex.</summary>
    private static (string? Name, string Id) MetadataTopic(ref WireCursor cursor, byte[] frame, short version,
        bool flexible)
    {
        cursor.Int16();               // error_code
        string? name = cursor.String(flexible);
        string id = "";
        if (version >= 10)
        {
            id = Convert.ToHexString(frame, cursor.Position, 16);
            cursor.Skip(16);
        }
        cursor.Skip(1);               // is_internal
        int partitions = cursor.ArrayLength(flexible);
        for (int p = 0; p < partitions; p++)
        {
            SkipMetadataPartition(ref cursor, version, flexible);
        }
        if (version >= 8)
        {
            cursor.Int32();           // topic_authorized_operations
        }
        SkipTaggedFieldsIf(ref cursor, flexible);
        return (name, id);
    }

    private static void SkipMetadataPartition(ref WireCursor cursor, short version, bool flexible)
    {
        cursor.Int16();           // error_code
        cursor.Int32();           // partition_index
        cursor.Int32();           // leader_id
        if (version >= 7)
        {
            cursor.Int32();       // leader_epoch
        }
        SkipInt32Array(ref cursor, flexible);          // replica_nodes
        SkipInt32Array(ref cursor, flexible);          // isr_nodes
        if (version >= 5)
        {
            SkipInt32Array(ref cursor, flexible);      // offline_replicas
        }
        SkipTaggedFieldsIf(ref cursor, flexible);
    }

    private static void SkipInt32Array(ref WireCursor cursor, bool flexible)
    {
        int count = cursor.ArrayLength(flexible);
        cursor.Skip(4 * Math.Max(count, 0));
    }

    private static void SkipTaggedFieldsIf(ref WireCursor cursor, bool flexible)
    {
        if (flexible)
        {
            cursor.SkipTaggedFields();
        }
    }

    /// <summary>An ApiVersions response's error code: the int16 after its v0 header, whatever the version.</summary>
    public static short ApiVersionsErrorCode(byte[] frame) => BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4));

    /// <summary>The (api key, min, max) list of an ApiVersions response (v0 to v3 bodies).</summary>
    public static (short ErrorCode, List<(short Key, short Min, short Max)> Apis) ApiVersions(byte[] frame,
        short version)
    {
        bool flexible = ApiCatalog.IsFlexible(ApiCatalog.ApiVersions, version);
        var cursor = new WireCursor(frame);
        cursor.SkipResponseHeader(0);
        short errorCode = cursor.Int16();
        var apis = new List<(short, short, short)>();
        int count = cursor.ArrayLength(flexible);
        for (int i = 0; i < count; i++)
        {
            apis.Add((cursor.Int16(), cursor.Int16(), cursor.Int16()));
            if (flexible)
            {
                cursor.SkipTaggedFields();
            }
        }
        return (errorCode, apis);
    }

    /// <summary>Splits a records field into record batches (v2: base offset int64, then batch length int32).</summary>
    public static List<(int Offset, int Length)> SplitBatches(ReadOnlySpan<byte> records)
    {
        var batches = new List<(int, int)>();
        int position = 0;
        while (records.Length - position >= 12)
        {
            int length = 12 + BinaryPrimitives.ReadInt32BigEndian(records[(position + 8)..]);
            if (length > records.Length - position)
            {
                break;   // a partial batch at the end of a fetch is allowed; it is not a whole batch
            }
            batches.Add((position, length));
            position += length;
        }
        return batches;
    }

    private static void EnsureEnd(WireCursor cursor, string what)
    {
        if (cursor.Remaining != 0)
        {
            throw new InvalidDataException($"{cursor.Remaining} bytes left over after parsing a {what}");
        }
    }
}
