using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Samsa.Broker.Network;

/// <summary>
/// The memory Kestrel's socket transport receives into and sends from: pinned blocks of <see cref="BlockSize"/>
/// bytes, where Kestrel's own pool hands out 4 KiB ones.
/// </summary>
/// <remarks>
/// A socket receive fills at most one block, so with 4 KiB blocks a 1 MiB produce request took 256 receive calls
/// (each a system call, a pipe segment and a wake of the reader); with 64 KiB blocks it takes 16, and the records of
/// a batch sit in 16 segments instead of 256. Blocks live on the pinned object heap, so a receive or send pins
/// nothing. Returned blocks are kept for reuse up to <see cref="RetainedBlocks"/> (16 MiB in all); beyond that they go
/// back to the GC, so a burst of connections leaves no lasting footprint. An idle connection holds no block (the
/// transport waits for data before it rents one). Thread-safe: any thread rents and any thread returns.
/// </remarks>
public sealed class TransportBlocks : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    public const int RetainedBlocks = 256;

    /// <summary>
    /// How far the transport reads ahead of a connection before it pauses (the host sets Kestrel's
    /// MaxReadBufferSize to it). A client pipelining produce requests faster than the log takes them used to fill up
    /// to socket.request.max.bytes of blocks per connection: hundreds of MiB, each block fresh memory to fault in.
    /// 4 MiB holds a few 1 MiB requests, the clients' default largest, and keeps the blocks within the pool's reuse.
    /// A larger frame still arrives whole: the transport pauses on bytes the connection has not examined, and the
    /// connection examines all it has while it waits for the rest of a frame.
    /// </summary>
    public const int ReadAheadBytes = 4 << 20;

    private static readonly ConcurrentDictionary<TransportBlocks, byte> s_pools = new();

    private readonly ConcurrentBag<Block> _free = [];
    private int _freeCount;
    private volatile bool _disposed;

    /// <summary>What the host registers as the transport's <see cref="IMemoryPoolFactory{T}"/>: a pool per
    /// listener.</summary>
    public static IMemoryPoolFactory<byte> Factory { get; } = new PoolFactory();

    public TransportBlocks() => s_pools.TryAdd(this, 0);

    public override int MaxBufferSize => BlockSize;

    /// <summary>The number of blocks kept for reuse now.</summary>
    public int Retained => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryTake(out Block? block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Rented();
            return block;
        }
        return new Block(this);
    }

    /// <summary>Lets go of the blocks every pool keeps (the next collection frees them): the broker went
    /// quiet.</summary>
    public static void TrimAll()
    {
        foreach (TransportBlocks pool in s_pools.Keys) pool.DropFree();
    }

    // The transport disposes its pool when the listener stops: what the pool keeps goes, and blocks returned by
    // connections still closing are left to the GC.
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        s_pools.TryRemove(this, out _);
        DropFree();
    }

    private void DropFree()
    {
        while (_free.TryTake(out _)) Interlocked.Decrement(ref _freeCount);
    }

    private void Return(Block block)
    {
        if (_disposed) return;
        if (Interlocked.Increment(ref _freeCount) <= RetainedBlocks)
        {
            _free.Add(block);
            return;
        }
        Interlocked.Decrement(ref _freeCount);
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly TransportBlocks _pool;
        private readonly Memory<byte> _memory;
        private int _returned;

        public Block(TransportBlocks pool)
        {
            _pool = pool;
            byte[] array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
            _memory = MemoryMarshal.CreateFromPinnedArray(array, 0, array.Length);
        }

        public Memory<byte> Memory => Volatile.Read(ref _returned) == 0
            ? _memory
            : throw new ObjectDisposedException(nameof(TransportBlocks), "the block was returned to its pool");

        public void Rented() => Volatile.Write(ref _returned, 0);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) _pool.Return(this);
        }
    }

    private sealed class PoolFactory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new TransportBlocks();
    }
}
