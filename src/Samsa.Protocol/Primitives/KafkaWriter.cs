using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Writes Kafka's primitive types into an <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c> on the network
/// path), holding one span of it at a time so small writes cost no interface call.
/// </summary>
/// <remarks>Call <see cref="Flush"/> when done: bytes are committed to the output only then.</remarks>
public ref struct KafkaWriter
{
    private const int MinimumChunk = 4096;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    public KafkaWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = default;
        _buffered = 0;
        _committed = 0;
    }

    /// <summary>Bytes written so far, committed or not.</summary>
    public readonly long Written => _committed + _buffered;

    /// <summary>Commits what is buffered to the output.</summary>
    public void Flush()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
        }
        _buffered = 0;
        _span = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered < count) Grow(count);
        Span<byte> slot = _span.Slice(_buffered, count);
        _buffered += count;
        return slot;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        Flush();
        _span = _output.GetSpan(Math.Max(count, MinimumChunk));
    }

    public void WriteInt8(sbyte value) => Reserve(1)[0] = (byte)value;

    public void WriteBool(bool value) => Reserve(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteFloat64(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    public void WriteUuid(Guid value) => value.TryWriteBytes(Reserve(16), bigEndian: true, out _);

    public void WriteUnsignedVarInt(uint value)
    {
        Span<byte> span = Reserve(VarInt.SizeOfUnsigned(value));
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i] = (byte)value;
    }

    public void WriteUnsignedVarLong(ulong value)
    {
        Span<byte> span = Reserve(VarInt.SizeOfUnsigned(value));
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i] = (byte)value;
    }

    public void WriteVarInt(int value) => WriteUnsignedVarInt(VarInt.ZigZag(value));

    public void WriteVarLong(long value) => WriteUnsignedVarLong(VarInt.ZigZag(value));

    private void WriteLength(int length, bool compact, bool shortLength)
    {
        if (compact) WriteUnsignedVarInt((uint)(length + 1));
        else if (shortLength) WriteInt16((short)length);
        else WriteInt32(length);
    }

    public void WriteString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, shortLength: true);
            return;
        }
        int length = Encoding.UTF8.GetByteCount(value);
        if (!compact && length > short.MaxValue) ThrowHelper.CannotWrite($"string of {length} bytes exceeds int16");
        WriteLength(length, compact, shortLength: true);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    public void WriteBytes(ReadOnlySpan<byte> value, bool compact)
    {
        WriteLength(value.Length, compact, shortLength: false);
        WriteRaw(value);
    }

    public void WriteNullBytes(bool compact) => WriteLength(-1, compact, shortLength: false);

    public void WriteRecords(ReadOnlySequence<byte>? records, bool compact)
    {
        if (records is not { } value)
        {
            WriteLength(-1, compact, shortLength: false);
            return;
        }
        WriteLength(checked((int)value.Length), compact, shortLength: false);
        foreach (ReadOnlyMemory<byte> segment in value)
            WriteRaw(segment.Span);
    }

    public void WriteArrayLength(int count, bool compact) => WriteLength(count, compact, shortLength: false);

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_span.Length == _buffered) Grow(1);
            int n = Math.Min(bytes.Length, _span.Length - _buffered);
            bytes[..n].CopyTo(_span[_buffered..]);
            _buffered += n;
            bytes = bytes[n..];
        }
    }
}
