using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Records;

/// <summary>
/// Reads record fields (zig-zag varints, raw bytes) from one contiguous span; every read is checked against
/// what remains and failures raise <see cref="ProtocolException"/> only.
/// </summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public sbyte ReadInt8()
    {
        if (_position >= _data.Length) ThrowHelper.Truncated(1, 0);
        return (sbyte)_data[_position++];
    }

    public short ReadInt16()
    {
        if (Remaining < 2) ThrowHelper.Truncated(2, Remaining);
        short value = (short)((_data[_position] << 8) | _data[_position + 1]);
        _position += 2;
        return value;
    }

    public int ReadInt32()
    {
        if (Remaining < 4) ThrowHelper.Truncated(4, Remaining);
        int value = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>A zig-zag varint of at most 5 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadVarInt()
    {
        uint raw = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (_position >= _data.Length) ThrowHelper.Truncated(1, 0);
            byte b = _data[_position++];
            if (shift == 28 && b > 0x0F) ThrowHelper.VarIntTooLong();
            raw |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>A zig-zag varlong of at most 10 bytes.</summary>
    public long ReadVarLong()
    {
        ulong raw = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (_position >= _data.Length) ThrowHelper.Truncated(1, 0);
            byte b = _data[_position++];
            if (shift == 63 && b > 0x01) ThrowHelper.VarIntTooLong();
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>The next <paramref name="length"/> bytes, which must exist.</summary>
    public ReadOnlySpan<byte> ReadSpan(int length, string what)
    {
        if ((uint)length > (uint)Remaining) ThrowHelper.BadLength(what, length, Remaining);
        ReadOnlySpan<byte> span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    /// <summary>A varint length then that many bytes; -1 is null and reads as an empty span.</summary>
    public ReadOnlySpan<byte> ReadNullableBytes(string what, out bool isNull)
    {
        int length = ReadVarInt();
        isNull = length == -1;
        if (isNull) return default;
        return ReadSpan(length, what);
    }
}
