using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Reads Kafka's primitive types (protocol/docs/protocol.html, "Protocol Primitive Types")
/// from a <see cref="ReadOnlySequence{T}"/> that may span many pipe segments.
/// </summary>
/// <remarks>
/// Every length and count is checked against the bytes that remain before anything is allocated; malformed
/// input raises <see cref="ProtocolException"/> and nothing else. <c>records</c> fields come back as slices
/// of the input, never copied, so they live only as long as the input buffer does.
/// </remarks>
public ref struct KafkaReader
{
    private SequenceReader<byte> _reader;

    public KafkaReader(ReadOnlySequence<byte> input) => _reader = new SequenceReader<byte>(input);

    public KafkaReader(ReadOnlyMemory<byte> input) =>
        _reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input));

    /// <summary>Bytes not yet read.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>Bytes read so far.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>The unread part of the input.</summary>
    public readonly ReadOnlySequence<byte> UnreadSequence => _reader.UnreadSequence;

    public sbyte ReadInt8()
    {
        if (!_reader.TryRead(out byte value)) ThrowHelper.Truncated(1, 0);
        return (sbyte)value;
    }

    public bool ReadBool() => ReadInt8() != 0;

    public short ReadInt16()
    {
        if (!_reader.TryReadBigEndian(out short value)) ThrowHelper.Truncated(2, _reader.Remaining);
        return value;
    }

    public ushort ReadUInt16() => (ushort)ReadInt16();

    public int ReadInt32()
    {
        if (!_reader.TryReadBigEndian(out int value)) ThrowHelper.Truncated(4, _reader.Remaining);
        return value;
    }

    public uint ReadUInt32() => (uint)ReadInt32();

    public long ReadInt64()
    {
        if (!_reader.TryReadBigEndian(out long value)) ThrowHelper.Truncated(8, _reader.Remaining);
        return value;
    }

    public double ReadFloat64() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>A UUID as 16 bytes, most significant first (Kafka's <c>Uuid</c>).</summary>
    public Guid ReadUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!_reader.TryCopyTo(bytes)) ThrowHelper.Truncated(16, _reader.Remaining);
        _reader.Advance(16);
        return new Guid(bytes, bigEndian: true);
    }

    public uint ReadUnsignedVarInt()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (!_reader.TryRead(out byte b)) ThrowHelper.Truncated(1, 0);
            if (shift == 28 && b > 0x0F) ThrowHelper.VarIntTooLong();
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        ThrowHelper.VarIntTooLong();
        return 0;
    }

    public ulong ReadUnsignedVarLong()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (!_reader.TryRead(out byte b)) ThrowHelper.Truncated(1, 0);
            if (shift == 63 && b > 0x01) ThrowHelper.VarIntTooLong();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        ThrowHelper.VarIntTooLong();
        return 0;
    }

    /// <summary>A zig-zag encoded signed varint (record fields).</summary>
    public int ReadVarInt()
    {
        uint raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>A zig-zag encoded signed varlong (record fields).</summary>
    public long ReadVarLong()
    {
        ulong raw = ReadUnsignedVarLong();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>
    /// The length prefix of a string, bytes or array: int16/int32 in classic versions, an unsigned varint holding
    /// length + 1 in flexible ones. Returns -1 for null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReadLength(bool compact, bool shortLength, string what)
    {
        long length;
        if (compact)
            length = (long)ReadUnsignedVarInt() - 1;
        else
            length = shortLength ? ReadInt16() : ReadInt32();
        if (length < -1 || length > int.MaxValue) ThrowHelper.BadLength(what, length, _reader.Remaining);
        return (int)length;
    }

    /// <summary>Reads a string; null when the wire says null. The caller checks nullability for the version.</summary>
    public string? ReadString(bool compact)
    {
        int length = ReadLength(compact, shortLength: true, "string");
        if (length < 0) return null;
        if (length > _reader.Remaining) ThrowHelper.BadLength("string", length, _reader.Remaining);
        if (length == 0) return string.Empty;
        string value;
        ReadOnlySpan<byte> span = _reader.UnreadSpan;
        if (span.Length >= length)
        {
            value = Encoding.UTF8.GetString(span[..length]);
        }
        else
        {
            byte[] scratch = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                _reader.TryCopyTo(scratch.AsSpan(0, length));
                value = Encoding.UTF8.GetString(scratch, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        _reader.Advance(length);
        return value;
    }

    /// <summary>Reads a string that may not be null (an element of a string array).</summary>
    public string ReadRequiredString(bool compact) =>
        ReadString(compact) ?? throw new ProtocolException("null string where null is not allowed");

    /// <summary>Reads a bytes field into a new array; null when the wire says null.</summary>
    public byte[]? ReadBytes(bool compact)
    {
        int length = ReadLength(compact, shortLength: false, "bytes");
        if (length < 0) return null;
        if (length > _reader.Remaining) ThrowHelper.BadLength("bytes", length, _reader.Remaining);
        if (length == 0) return [];
        byte[] value = GC.AllocateUninitializedArray<byte>(length);
        _reader.TryCopyTo(value);
        _reader.Advance(length);
        return value;
    }

    /// <summary>Reads a records field as a slice of the input (no copy); null when the wire says null.</summary>
    public ReadOnlySequence<byte>? ReadRecords(bool compact)
    {
        int length = ReadLength(compact, shortLength: false, "records");
        if (length < 0) return null;
        if (length > _reader.Remaining) ThrowHelper.BadLength("records", length, _reader.Remaining);
        ReadOnlySequence<byte> slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    /// <summary>
    /// Reads an array's element count (-1 for null) and checks it against the bytes that remain, so a hostile
    /// count cannot make the caller allocate more than the frame could hold.
    /// </summary>
    public int ReadArrayLength(bool compact)
    {
        int count = ReadLength(compact, shortLength: false, "array");
        if (count > _reader.Remaining) ThrowHelper.BadLength("array", count, _reader.Remaining);
        return count;
    }

    /// <summary>Reads raw bytes into <paramref name="destination"/>.</summary>
    public void ReadRaw(Span<byte> destination)
    {
        if (!_reader.TryCopyTo(destination)) ThrowHelper.Truncated(destination.Length, _reader.Remaining);
        _reader.Advance(destination.Length);
    }

    /// <summary>Returns a reader over the next <paramref name="length"/> bytes and skips them here.</summary>
    public KafkaReader ReadSlice(int length)
    {
        if ((uint)length > (ulong)_reader.Remaining) ThrowHelper.BadLength("tagged field", length, _reader.Remaining);
        var slice = new KafkaReader(_reader.UnreadSequence.Slice(0, length));
        _reader.Advance(length);
        return slice;
    }

    /// <summary>Reads an unknown tagged field's body so it can be written back unchanged.</summary>
    public TaggedField ReadUnknownTaggedField(int tag, int length)
    {
        if ((uint)length > (ulong)_reader.Remaining) ThrowHelper.BadLength("tagged field", length, _reader.Remaining);
        byte[] data = GC.AllocateUninitializedArray<byte>(length);
        _reader.TryCopyTo(data);
        _reader.Advance(length);
        return new TaggedField(tag, data);
    }

    /// <summary>Reads the count or size of a tagged-field section, which must fit in an int.</summary>
    public int ReadTaggedLength()
    {
        uint value = ReadUnsignedVarInt();
        if (value > _reader.Remaining) ThrowHelper.BadLength("tagged fields", value, _reader.Remaining);
        return (int)value;
    }

    /// <summary>Throws unless every byte has been read (a tagged field's body must be consumed exactly).</summary>
    public readonly void EnsureEnd(string what)
    {
        if (_reader.Remaining != 0) ThrowHelper.Malformed($"{_reader.Remaining} unread bytes left in {what}");
    }
}
