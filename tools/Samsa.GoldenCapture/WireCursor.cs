using System.Buffers.Binary;
using System.Text;

namespace Samsa.GoldenCapture;

/// <summary>
/// A minimal reader of Kafka's primitive types (protocol/docs/protocol.html), enough to pull the
/// records out of captured Produce requests and Fetch responses without depending on the codec under test.
/// </summary>
internal ref struct WireCursor
{
    private readonly ReadOnlySpan<byte> _data;

    public WireCursor(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new InvalidDataException($"wanted {count} bytes at offset {Position}, {Remaining} left");
        }
        ReadOnlySpan<byte> slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public void Skip(int count) => Take(count);

    public uint UnsignedVarInt()
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException($"unsigned varint too long at offset {Position}");
    }

    /// <summary>A string, bytes or array length: int16/int32 classic, unsigned varint (length + 1) compact.</summary>
    private int Length(bool compact, bool shortLength) =>
        compact ? (int)UnsignedVarInt() - 1 : shortLength ? Int16() : Int32();

    public string? String(bool compact)
    {
        int length = Length(compact, shortLength: true);
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Reads a bytes or records field and returns where it lies in the input; length -1 for null.</summary>
    public (int Offset, int Length) Bytes(bool compact)
    {
        int length = Length(compact, shortLength: false);
        if (length < 0)
        {
            return (Position, -1);
        }
        int offset = Position;
        Take(length);
        return (offset, length);
    }

    public int ArrayLength(bool compact) => Length(compact, shortLength: false);

    public void SkipTaggedFields()
    {
        uint count = UnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            UnsignedVarInt();
            Take((int)UnsignedVarInt());
        }
    }

    /// <summary>Skips a request header (v0, v1 or v2) and returns the client id.</summary>
    public string? SkipRequestHeader(short headerVersion)
    {
        Skip(8);
        string? clientId = headerVersion >= 1 ? String(compact: false) : null;
        if (headerVersion >= 2)
        {
            SkipTaggedFields();
        }
        return clientId;
    }

    /// <summary>Skips a response header (v0 or v1).</summary>
    public void SkipResponseHeader(short headerVersion)
    {
        Skip(4);
        if (headerVersion >= 1)
        {
            SkipTaggedFields();
        }
    }
}
