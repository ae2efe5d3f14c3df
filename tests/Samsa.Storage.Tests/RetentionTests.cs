using Microsoft.Extensions.Logging;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class RetentionTests
{
    // One 2-record batch of ~180 bytes per 300-byte segment.
    private static readonly LogOptions SmallSegments = LogOptions.Default with { SegmentBytes = 300 };

    [Fact]
    public void Retention_by_time_deletes_segments_whose_largest_timestamp_is_too_old()
    {
        using var test = new TestLog(SmallSegments with { RetentionTime = TimeSpan.FromHours(1) });
        for (int i = 0; i < 6; i++)
        {
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
            test.Time.Advance(TimeSpan.FromMinutes(20));
        }
        Assert.Equal([0L, 2L, 4L, 6L, 8L, 10L], test.Log.SegmentBaseOffsets());

        // Now = start + 120 min: segments stamped at 0, 20, 40 min are more than an hour old; 60 min is exactly one.
        Assert.Equal(3, test.Log.DeleteOldSegments());

        Assert.Equal([6L, 8L, 10L], test.Log.SegmentBaseOffsets());
        Assert.Equal(6, test.Log.LogStartOffset);
        Assert.False(File.Exists(test.SegmentFile(0, ".log")));
        Assert.False(File.Exists(test.SegmentFile(0, ".index")));
        Assert.True(test.Logger.Has(LogLevel.Information, 2008));
        using LogReadResult gone = test.Log.Read(5, 100);
        Assert.Equal(ReadStatus.OffsetOutOfRange, gone.Status);
    }

    [Fact]
    public void Retention_never_deletes_the_active_segment()
    {
        using var test = new TestLog(SmallSegments with { RetentionTime = TimeSpan.FromMinutes(1) });
        test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        test.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(1, test.Log.DeleteOldSegments());
        Assert.Equal(0, test.Log.DeleteOldSegments());

        Assert.Equal([2L], test.Log.SegmentBaseOffsets());
        Assert.Single(test.ReadAll());
    }

    [Fact]
    public void Retention_by_size_deletes_the_oldest_segments_while_the_log_is_over_the_limit()
    {
        byte[] sample = Batches.Create(2, 0, valueBytes: 50);
        using var test = new TestLog(SmallSegments with { RetentionBytes = sample.Length * 3 });
        for (int i = 0; i < 6; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));

        Assert.Equal(3, test.Log.DeleteOldSegments());

        Assert.Equal([6L, 8L, 10L], test.Log.SegmentBaseOffsets());
        Assert.Equal(sample.Length * 3, test.Log.Size);
    }

    [Fact]
    public void Unlimited_retention_keeps_everything()
    {
        using var test = new TestLog(SmallSegments with
        {
            RetentionBytes = -1,
            RetentionTime = Timeout.InfiniteTimeSpan,
        });
        for (int i = 0; i < 4; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        test.Time.Advance(TimeSpan.FromDays(3650));

        Assert.Equal(0, test.Log.DeleteOldSegments());
        Assert.Equal(4, test.Log.SegmentCount);
    }

    [Fact]
    public void Retention_deletes_segments_below_a_log_start_offset_moved_by_delete_records()
    {
        using var test = new TestLog(SmallSegments with { RetentionTime = Timeout.InfiniteTimeSpan });
        for (int i = 0; i < 4; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        Assert.Equal(LogStatus.Ok, test.Log.DeleteRecordsBefore(5));
        Assert.Equal([4L, 6L], test.Log.SegmentBaseOffsets());

        Assert.Equal(0, test.Log.DeleteOldSegments());

        Assert.Equal(5, test.Log.LogStartOffset);
    }

    [Fact]
    public void Retention_survives_a_reopen_using_the_time_index()
    {
        using var test = new TestLog(SmallSegments with { RetentionTime = TimeSpan.FromMinutes(90) });
        for (int i = 0; i < 4; i++)
        {
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
            test.Time.Advance(TimeSpan.FromMinutes(40));
        }
        test.ReopenClean();

        Assert.Equal(2, test.Log.DeleteOldSegments());
        Assert.Equal([4L, 6L], test.Log.SegmentBaseOffsets());
    }
}
