using System.Buffers.Binary;
using Samsa.Protocol.Records;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// The produce and fetch paths' allocation in replicated mode, counted on this thread after a warm-up. An append
// completes synchronously with a ValueTask over its result, stamps the batch in place and writes it from the caller's
// memory; a read returns a pooled view of the segment. What an append does allocate is its share of the active
// segment's in-memory indexes: at most one offset-index and one time-index entry per batch (one per
// index.interval.bytes, 4 KiB), held in arrays of 16-byte entries that double as they fill, so 64 B per entry over a
// segment's life and nothing between entries, whatever the batch's size.
public sealed class AllocationTests
{
    // Measured on 2026-11-25 (.NET 10.0.12, Debug and Release alike): 30.9 B per append of 1 KiB batches (an index
    // entry every fourth batch) and 123.1 B per append of 64 KiB batches (an entry every batch, and this window holds
    // three doublings of both arrays, to 2,048 entries). Each budget is a little above its figure; copying the batch
    // into a fresh array (at least 1 KiB an append) or a boxed task per append fails both.
    private const int SmallBatchAppendBudget = 48;
    private const int LargeBatchAppendBudget = 160;

    [Theory]
    [InlineData(1, SmallBatchAppendBudget)]     // 1 KiB batches of one record
    [InlineData(64, LargeBatchAppendBudget)]    // 64 KiB batches of 64 records: an index entry on every append
    public void Appends_in_replicated_mode_allocate_only_their_share_of_the_indexes(int records, int budget)
    {
        const int warmUp = 100;
        const int iterations = 1_000;
        using var test = new TestLog();
        byte[] batch = Batches.Create(records, test.NowMs, valueBytes: 1000);
        long timestamp = test.NowMs;
        for (int i = 0; i < warmUp; i++) AppendNow(test.Log, Retimestamp(batch, ++timestamp));

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < iterations; i++) sum += AppendNow(test.Log, Retimestamp(batch, ++timestamp));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= (long)budget * iterations, $"{iterations} appends of {batch.Length} B allocated " +
            $"{allocated} B, {(double)allocated / iterations:F1} B each; the budget is {budget} B each");
        long first = (long)warmUp * records;
        Assert.Equal((first * iterations) + ((long)records * iterations * (iterations - 1) / 2), sum);   // none failed
        Assert.Equal((long)(warmUp + iterations) * records, test.Log.LogEndOffset);
    }

    // Constant timestamps keep the time index at one entry, and these 100 appends fall between two doublings of the
    // offset index's array, so the window allocates nothing at all.
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

    // Moves the batch's timestamps on, as a producer's next batch would (so the time index grows too), and fixes its
    // CRC. Kafka's batch layout: CRC-32C at byte 17 over bytes 21 to the end, base and max timestamps at 27 and 35.
    private static byte[] Retimestamp(byte[] batch, long timestamp)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(27), timestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(35), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), RecordBatch.ComputeCrc(batch));
        return batch;
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
