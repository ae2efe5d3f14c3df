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
/// <see cref="LargestPooled"/> (about 64 MiB at most, all sizes full), and hands out larger ones fresh. Thread-safe.
/// </remarks>
internal static class RecordBuffers
{
    /// <summary>The largest array kept for reuse: a fetch of one partition reads at most this much by default.</summary>
    public const int LargestPooled = 8 << 20;

    public const int ArraysPerSize = 4;

    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(LargestPooled, ArraysPerSize);
}
