using System.Buffers;
using System.IO.Pipelines;
using Samsa.Broker.Network;

namespace Samsa.Broker.Tests.Network;

public sealed class TransportBlocksTests
{
    [Fact]
    public void A_pipe_over_the_pool_receives_into_whole_64_KiB_blocks()
    {
        // What the socket transport does before each receive: ask the pipe for at least a little memory. The receive
        // may fill all it gets, so this is the most one system call reads.
        using var pool = new TransportBlocks();
        var pipe = new Pipe(new PipeOptions(pool, minimumSegmentSize: 4096, useSynchronizationContext: false));
        Memory<byte> memory = pipe.Writer.GetMemory(2048);
        Assert.Equal(TransportBlocks.BlockSize, memory.Length);
        pipe.Writer.Complete();
        pipe.Reader.Complete();
    }

    [Fact]
    public void A_returned_block_is_rented_again_rather_than_allocated()
    {
        using var pool = new TransportBlocks();
        IMemoryOwner<byte> first = pool.Rent(4096);
        Memory<byte> memory = first.Memory;
        first.Dispose();
        first.Dispose();                                           // a second return must not list it twice
        Assert.Equal(1, pool.Retained);

        using IMemoryOwner<byte> again = pool.Rent(4096);
        Assert.True(again.Memory.Span.Overlaps(memory.Span));
        Assert.Equal(0, pool.Retained);
        using IMemoryOwner<byte> other = pool.Rent(4096);
        Assert.False(other.Memory.Span.Overlaps(memory.Span));
    }

    [Fact]
    public void A_burst_of_blocks_leaves_at_most_the_retained_bound_behind()
    {
        using var pool = new TransportBlocks();
        IMemoryOwner<byte>[] burst =
            [.. Enumerable.Range(0, TransportBlocks.RetainedBlocks + 100).Select(_ => pool.Rent())];
        foreach (IMemoryOwner<byte> block in burst) block.Dispose();
        Assert.Equal(TransportBlocks.RetainedBlocks, pool.Retained);
    }

    [Fact]
    public void A_disposed_pool_keeps_nothing_and_a_returned_block_cannot_be_used()
    {
        var pool = new TransportBlocks();
        IMemoryOwner<byte> early = pool.Rent();
        IMemoryOwner<byte> late = pool.Rent();
        early.Dispose();
        Assert.Throws<ObjectDisposedException>(() => early.Memory);
        pool.Dispose();
        Assert.Equal(0, pool.Retained);
        late.Dispose();                                            // a connection still closing when the listener stops
        Assert.Equal(0, pool.Retained);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TransportBlocks.BlockSize + 1));
    }

    [Fact]
    public void Trimming_after_load_empties_every_pool()
    {
        using var pool = new TransportBlocks();
        IMemoryOwner<byte>[] burst = [.. Enumerable.Range(0, 10).Select(_ => pool.Rent())];
        foreach (IMemoryOwner<byte> block in burst) block.Dispose();
        Assert.Equal(10, pool.Retained);
        TransportBlocks.TrimAll();
        Assert.Equal(0, pool.Retained);
    }
}
