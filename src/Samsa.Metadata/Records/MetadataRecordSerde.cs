using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Records;

/// <summary>
/// Frames a metadata record for the log: <c>int16 record type</c>, <c>int16 version</c>, then the body as the
/// record's definition lays it out at that version (flexible: compact strings and arrays, tagged fields).
/// </summary>
/// <remarks>Stateless and thread-safe. A frame that does not decode raises <see cref="ProtocolException"/>, as
/// all malformed input in Samsa does; the metadata log checks a CRC first, so on the log that means a record written by
/// a newer Samsa, never a torn write.</remarks>
public static class MetadataRecordSerde
{
    /// <summary>The bytes before the body: record type and version.</summary>
    public const int HeaderSize = 4;

    /// <summary>The size of the framed record.</summary>
    public static int GetSize(IMetadataRecord record) => HeaderSize + record.GetSize(record.WriteVersion);

    /// <summary>Writes the framed record.</summary>
    public static void Write(IMetadataRecord record, IBufferWriter<byte> output)
    {
        Span<byte> header = output.GetSpan(HeaderSize);
        BinaryPrimitives.WriteInt16BigEndian(header, (short)record.RecordType);
        BinaryPrimitives.WriteInt16BigEndian(header[2..], record.WriteVersion);
        output.Advance(HeaderSize);
        var writer = new KafkaWriter(output);
        record.Write(ref writer, record.WriteVersion);
        writer.Flush();
    }

    /// <summary>The framed record as a new array (tests, snapshots, tools).</summary>
    public static byte[] Serialize(IMetadataRecord record)
    {
        var output = new ArrayBufferWriter<byte>(GetSize(record));
        Write(record, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one framed record that fills <paramref name="frame"/> exactly.</summary>
    /// <exception cref="ProtocolException">The frame is malformed, or its type or version is unknown.</exception>
    public static IMetadataRecord Read(ReadOnlyMemory<byte> frame)
    {
        if (frame.Length < HeaderSize)
            throw new ProtocolException($"metadata record of {frame.Length} bytes is shorter than its header");
        var type = (MetadataRecordType)BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        short version = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);
        var reader = new KafkaReader(frame[HeaderSize..]);
        IMetadataRecord record = type switch
        {
            MetadataRecordType.RegisterBroker => Read<RegisterBrokerRecord>(ref reader, type, version),
            MetadataRecordType.UnregisterBroker => Read<UnregisterBrokerRecord>(ref reader, type, version),
            MetadataRecordType.Topic => Read<TopicRecord>(ref reader, type, version),
            MetadataRecordType.Partition => Read<PartitionRecord>(ref reader, type, version),
            MetadataRecordType.Config => Read<ConfigRecord>(ref reader, type, version),
            MetadataRecordType.PartitionChange => Read<PartitionChangeRecord>(ref reader, type, version),
            MetadataRecordType.FenceBroker => Read<FenceBrokerRecord>(ref reader, type, version),
            MetadataRecordType.UnfenceBroker => Read<UnfenceBrokerRecord>(ref reader, type, version),
            MetadataRecordType.RemoveTopic => Read<RemoveTopicRecord>(ref reader, type, version),
            MetadataRecordType.ProducerIds => Read<ProducerIdsRecord>(ref reader, type, version),
            MetadataRecordType.ClusterId => Read<ClusterIdRecord>(ref reader, type, version),
            _ => throw new ProtocolException(
                $"unknown metadata record type {(short)type} (version {version}); " +
                "was the log written by a newer Samsa?"),
        };
        reader.EnsureEnd($"metadata record {type}");
        return record;
    }

    private static T Read<T>(ref KafkaReader reader, MetadataRecordType type, short version)
        where T : IKafkaMessage<T>, IMetadataRecord
    {
        if (version < T.LowestSupportedVersion || version > T.HighestSupportedVersion)
        {
            throw new ProtocolException(
                $"metadata record {type} version {version} is outside " +
                $"{T.LowestSupportedVersion}-{T.HighestSupportedVersion}");
        }
        return T.Read(ref reader, version);
    }
}
