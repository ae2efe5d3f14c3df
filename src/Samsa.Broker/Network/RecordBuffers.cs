using System.Buffers;

namespace Samsa.Broker.Network;

/// <summary>
/// The pool of the broker's large transient buffers: record data copied out of the log into Fetch responses, and
/// produce batches gathered from the transport's small blocks.
/// </summary>
/// <remarks>
/// The shared <see cref="ArrayPool{T}.Shared"/> keeps arrays per core and per thread and lets them go only at a
/// gen-2 collection, which an idle broker does not have: after a burst of large fetches it held hundreds of MiB for
/// good. This pool keeps at most <see cref="ArraysPerSize"/> arrays of each power-of-two size up to
/// <see cref="LargestPooled"/> (about 64 MiB at most, all sizes full), and hands out larger ones fresh; once the
/// broker goes quiet, <see cref="Trim"/> drops them all (see <c>IdleMemoryTrim</c>). Thread-safe.
/// </remarks>
internal static class RecordBuffers
{
    /// <summary>The largest array kept for reuse: a fetch of one partition reads at most this much by
    /// default.</summary>
    public const int LargestPooled = 8 << 20;

    public const int ArraysPerSize = 4;

    private static ArrayPool<byte> s_pool = NewPool();
    private static long s_rentedBytes;

    /// <summary>Bytes rented so far: how busy the broker is, for the idle trim.</summary>
    public static long RentedBytes => Volatile.Read(ref s_rentedBytes);

    public static byte[] Rent(int length)
    {
        Interlocked.Add(ref s_rentedBytes, length);
        return Volatile.Read(ref s_pool).Rent(length);
    }

    /// <summary>Returns a rented array; an array rented before a <see cref="Trim"/> joins the new pool.</summary>
    public static void Return(byte[] buffer) => Volatile.Read(ref s_pool).Return(buffer);

    /// <summary>Lets go of every pooled array (the next collection frees them) and starts an empty pool.</summary>
    public static void Trim() => Volatile.Write(ref s_pool, NewPool());

    private static ArrayPool<byte> NewPool() => ArrayPool<byte>.Create(LargestPooled, ArraysPerSize);
}
