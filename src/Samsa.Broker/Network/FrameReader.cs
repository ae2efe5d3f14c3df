using System.Buffers;
using System.Buffers.Binary;

namespace Samsa.Broker.Network;

/// <summary>Cuts size-prefixed Kafka frames out of a pipe's buffer.</summary>
internal static class FrameReader
{
    /// <summary>
    /// Takes the next whole frame (without its 4-byte size) from <paramref name="buffer"/> and advances past it.
    /// The size is checked against <paramref name="maxFrameBytes"/> before any of the body is waited for, so a
    /// client cannot make the broker buffer more than socket.request.max.bytes.
    /// </summary>
    /// <exception cref="ProtocolException">The frame claims a negative or too large size.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> frame)
    {
        if (buffer.Length < 4)
        {
            frame = default;
            return false;
        }
        int size;
        if (buffer.FirstSpan.Length >= 4)
        {
            size = BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(prefix);
            size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        }
        if ((uint)size > (uint)maxFrameBytes)
            throw new ProtocolException($"request of {size} bytes exceeds socket.request.max.bytes={maxFrameBytes}");
        if (buffer.Length - 4 < size)
        {
            frame = default;
            return false;
        }
        frame = buffer.Slice(4, size);
        buffer = buffer.Slice(frame.End);
        return true;
    }
}
