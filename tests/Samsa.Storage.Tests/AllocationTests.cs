using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// The produce and fetch paths' budget in replicated mode: nothing allocated per append or read once warm.
public sealed class AllocationTests
{
    [Fact]
    public void Append_and_read_in_replicated_mode_allocate_nothing()
    {
        using var test = new TestLog(LogOptions.Default with { IndexIntervalBytes = 512 });
        byte[][] batches = [.. Enumerable.Range(0, 600).Select(i => Batches.Create(1, test.NowMs, valueBytes: 100))];
        byte[] destination = new byte[1 << 16];
        long[] firstOffsets = new long[batches.Length];
        for (int i = 0; i < 500; i++)
            firstOffsets[i] = AppendAndRead(test.Log, batches[i], destination);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 500; i < 600; i++)
            firstOffsets[i] = AppendAndRead(test.Log, batches[i], destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), firstOffsets);
    }

    [Fact]
    public void Idempotent_appends_and_their_retries_allocate_nothing_once_the_producer_is_known()
    {
        using var test = new TestLog(LogOptions.Default with { IndexIntervalBytes = 512 });
        byte[][] batches = [.. Enumerable.Range(0, 600).Select(i => new Samsa.Protocol.Records.RecordBatchBuilder
        {
            ProducerId = 42, ProducerEpoch = 0, BaseSequence = i,
        }.Add([1], new byte[100], test.NowMs).Build())];
        for (int i = 0; i < 500; i++)
            Assert.Equal(i, AppendNow(test.Log, batches[i]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 500; i < 600; i++)
        {
            sum += AppendNow(test.Log, batches[i]);
            sum += AppendNow(test.Log, batches[i]);     // a retry: the original offset
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2 * Enumerable.Range(500, 100).Sum(i => (long)i), sum);
        Assert.Equal(600, test.Log.LogEndOffset);
    }

    private static long AppendNow(PartitionLog log, byte[] batch)
    {
        ValueTask<AppendResult> append = log.AppendAsync(batch, 0);
        return append.IsCompletedSuccessfully ? append.Result.FirstOffset : -1;
    }

    private static long AppendAndRead(PartitionLog log, byte[] batch, byte[] destination)
    {
        ValueTask<AppendResult> append = log.AppendAsync(batch, 0);
        // Replicated mode completes synchronously; -1 would say it did not.
        long first = append.IsCompletedSuccessfully ? append.Result.FirstOffset : -1;
        using LogReadResult read = log.Read(first / 2, 4096);
        read.CopyTo(destination);
        return first;
    }
}
