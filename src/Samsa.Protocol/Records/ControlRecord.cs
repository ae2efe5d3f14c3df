using System.Buffers.Binary;

namespace Samsa.Protocol.Records;

/// <summary>
/// The key and value schemas of control records. Key: version int16 (0), type int16. The value of a transaction
/// marker (<see cref="ControlRecordType.Commit"/> or <see cref="ControlRecordType.Abort"/>): version int16 (0),
/// coordinatorEpoch int32.
/// </summary>
/// <remarks>Readers accept newer versions and read the fields they know, as Kafka's do.</remarks>
public static class ControlRecord
{
    public const short CurrentKeyVersion = 0;
    public const short CurrentEndTransactionMarkerVersion = 0;
    public const int KeySize = 4;
    public const int EndTransactionMarkerSize = 6;

    /// <summary>The key of a control record of <paramref name="type"/>.</summary>
    public static byte[] CreateKey(ControlRecordType type)
    {
        var key = new byte[KeySize];
        BinaryPrimitives.WriteInt16BigEndian(key, CurrentKeyVersion);
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), (short)type);
        return key;
    }

    /// <summary>The type in a control record's key.</summary>
    /// <exception cref="ProtocolException">The key is shorter than 4 bytes or has a negative version.</exception>
    public static ControlRecordType ReadType(ReadOnlySpan<byte> key)
    {
        if (key.Length < KeySize) ThrowHelper.Malformed($"control record key has {key.Length} bytes, not {KeySize}");
        short version = BinaryPrimitives.ReadInt16BigEndian(key);
        if (version < 0) ThrowHelper.Malformed($"control record key version {version} is negative");
        return (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
    }

    /// <summary>
    /// The value of a COMMIT or ABORT marker written by a coordinator at <paramref name="coordinatorEpoch"/>.
    /// </summary>
    public static byte[] CreateEndTransactionMarker(int coordinatorEpoch)
    {
        var value = new byte[EndTransactionMarkerSize];
        BinaryPrimitives.WriteInt16BigEndian(value, CurrentEndTransactionMarkerVersion);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(2), coordinatorEpoch);
        return value;
    }

    /// <summary>The coordinator epoch in a COMMIT or ABORT marker's value.</summary>
    /// <exception cref="ProtocolException">The value is too short or has a negative version.</exception>
    public static int ReadEndTransactionMarker(ReadOnlySpan<byte> value)
    {
        if (value.Length < EndTransactionMarkerSize)
            ThrowHelper.Malformed($"transaction marker value has {value.Length} bytes, not {EndTransactionMarkerSize}");
        short version = BinaryPrimitives.ReadInt16BigEndian(value);
        if (version < 0) ThrowHelper.Malformed($"transaction marker version {version} is negative");
        return BinaryPrimitives.ReadInt32BigEndian(value[2..]);
    }
}
