using System.Buffers;
using Samsa.Protocol.CoordinatorRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Groups;

/// <summary>
/// The keys and values of <c>__consumer_offsets</c>, in Kafka's layout
/// (<c>protocol/coordinator-records</c>): an int16 version, then the record at that version. A key's
/// version names its type (0–1 offset commit, 2 classic group metadata, 3–8 consumer group records); a value's
/// version is the value schema's. A null value is a tombstone.
/// </summary>
internal static class CoordinatorRecordSerde
{
    public const short OffsetCommitKeyVersion = 1;
    public const short GroupMetadataKeyVersion = 2;
    public const short OffsetCommitValueVersion = 3;
    public const short GroupMetadataValueVersion = 3;

    public static byte[] OffsetCommitKey(string group, string topic, int partition) =>
        Write(OffsetCommitKeyVersion, new OffsetCommitKey { group = group, topic = topic, partition = partition });

    public static byte[] OffsetCommitValue(OffsetAndMetadata offset) => Write(OffsetCommitValueVersion,
        new OffsetCommitValue
        {
            offset = offset.Offset,
            leaderEpoch = offset.LeaderEpoch,
            metadata = offset.Metadata,
            commitTimestamp = offset.CommitTimestamp,
        });

    public static byte[] GroupMetadataKey(string group) =>
        Write(GroupMetadataKeyVersion, new GroupMetadataKey { group = group });

    public static byte[] GroupMetadataValue(GroupMetadataValue value) => Write(GroupMetadataValueVersion, value);

    /// <summary>Writes <paramref name="message"/> after its int16 version.</summary>
    public static byte[] Write(short version, IKafkaMessage message)
    {
        var output = new ArrayBufferWriter<byte>(message.GetSize(version) + 2);
        var writer = new KafkaWriter(output);
        writer.WriteInt16(version);
        message.Write(ref writer, version);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a record body whose version prefix the caller has already read.</summary>
    /// <exception cref="ProtocolException">The bytes are malformed.</exception>
    public static T Read<T>(ReadOnlyMemory<byte> bytes, out short version) where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(bytes);
        version = reader.ReadInt16();
        return T.Read(ref reader, version);
    }

    /// <summary>The int16 version at the start of a key or value; -1 when it is too short to hold one.</summary>
    public static short PeekVersion(ReadOnlySpan<byte> bytes) =>
        bytes.Length < 2 ? (short)-1 : (short)((bytes[0] << 8) | bytes[1]);
}
